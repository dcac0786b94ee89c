"""What `clbp validate` says about a user's file: one problem per cause, the value shown, the right line (issue 13)."""

from __future__ import annotations

import pytest

from tests.test_robustness import bundled_text, write


def _line_of(text: str, start: str) -> int:
    """The 1-based line of the first line of text that starts with `start` (the bundled file changes over time)."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def _problems(err: str) -> list[str]:
    return [line.strip() for line in err.splitlines()[1:]]


def test_an_empty_mapping_is_one_problem_per_missing_field(clbp, tmp_path) -> None:
    path = write(tmp_path, "{}\n")
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "clbp: error: cannot use the data file (5 problems):\n"
        f"  {path}: format_version: is missing; add the line 'format_version: 1' at the top (the format this clbp reads)\n"
        f"  {path}: source: is missing\n"
        f"  {path}: study: is missing\n"
        f"  {path}: themes: is missing\n"
        f"  {path}: mechanisms: is missing\n"
    )


def test_empty_sections_report_their_missing_fields_and_no_knock_on_errors(clbp, tmp_path) -> None:
    path = write(tmp_path, "format_version: 1\nsource: {}\nstudy: {}\nthemes: []\nmechanisms: []\n")
    problems = _problems(clbp("validate", str(path)).err)
    assert f"{path}:2: source.authors: is missing" in problems
    assert f"{path}:3: study.studies_identified: is missing" in problems
    assert not [problem for problem in problems if "must be" in problem and "source" in problem]
    assert not [problem for problem in problems if "cannot exceed" in problem]
    assert problems[-2:] == [
        f"{path}:4: themes: must be a non-empty list, got an empty list",
        f"{path}:5: mechanisms: must be a non-empty list, got an empty list",
    ]
    assert len(problems) == len(set(problems))


def test_a_missing_number_is_not_compared_with_its_default(clbp, tmp_path) -> None:
    text = bundled_text().replace("  studies_identified: 186\n", "")
    path = write(tmp_path, text)
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    assert _problems(result.err) == [f"{path}:{_line_of(text, 'study:') + 1}: study.studies_identified: is missing"]


def test_a_broken_theme_id_or_total_brings_no_knock_on_errors(clbp, tmp_path) -> None:
    text = (
        bundled_text()
        .replace("- id: tissue-healing", "- id: Tissue Healing")
        .replace("published_total: 105", "published_total: lots")
    )
    problems = _problems(clbp("validate", str(write(tmp_path, text))).err)
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "themes[0].published_total: must be a whole number, got text 'lots'",
        "themes[4].id: must be lowercase letters, digits and single hyphens (like 'muscle-strength'), "
        "got 'Tissue Healing'",
    ]


def test_a_fractional_count_shows_the_value(clbp, tmp_path) -> None:
    text = bundled_text().replace("count: 30\n", "count: 30.5\n", 1)
    path = write(tmp_path, text)
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    line = _line_of(text, "    count: 30.5")
    assert result.err.splitlines()[1:] == [f"  {path}:{line}: mechanisms[0].count: must be a whole number, got 30.5"]


def test_a_file_without_format_version_is_refused_with_the_fix(clbp, tmp_path) -> None:
    text = bundled_text().replace("format_version: 2\n", "")
    path = write(tmp_path, text)
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    line = _line_of(text, "sources:")  # where the file's fields begin
    assert result.err == (
        "clbp: error: cannot use the data file (1 problem):\n"
        f"  {path}:{line}: format_version: is missing; add the line 'format_version: 2' at the top (the format this clbp reads)\n"
    )


def test_anchors_and_aliases_are_reported_at_their_own_lines(clbp, tmp_path) -> None:
    path = write(tmp_path, "format_version: 1\nshared: &x [1]\nother: [*x, *x]\nplain: 'a & b * c'\n")
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "clbp: error: cannot use the data file (2 problems):\n"
        f"  {path}:2: YAML anchors and aliases are not allowed (&x); write the values out\n"
        f"  {path}:3: YAML anchors and aliases are not allowed (*x); write the values out\n"
    )


def test_text_with_ampersands_and_stars_is_fine(clbp, tmp_path) -> None:
    text = bundled_text().replace("name: Mood\n", "name: 'Mood & *affect*'\n")
    result = clbp("validate", str(write(tmp_path, text)))
    assert (result.code, result.err) == (0, "")


def test_a_path_with_a_nul_character_is_a_clear_error(clbp) -> None:
    result = clbp("validate", "my\x00table.yaml")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "clbp: error: cannot use the data file (1 problem):\n"
        "  my\\x00table.yaml: a file name cannot hold a NUL character (\\x00); check the path\n"
    )


def test_two_differing_themes_explain_the_provenance_once(clbp, tmp_path) -> None:
    text = (
        bundled_text()
        .replace("published_total: 105", "published_total: 106")
        .replace("published_total: 12\n", "published_total: 13\n")
        .replace("published_proposals: 241", "published_proposals: 243")
    )
    path = write(tmp_path, text)
    result = clbp("themes", "--data", str(path))
    assert (result.code, result.err) == (0, "")
    out = " ".join(result.out.split())
    assert out.count("Each mechanism's theme is clbp's reconstruction") == 1
    assert "* Neuromuscular: the published total is 106, but its mechanisms' listed counts add up to 105. *" in out
    assert "* Tissue healing: the published total is 13, but its mechanisms' listed counts add up to 12. Each" in out
    html = clbp("themes", "--data", str(path), "--format", "html").out
    assert html.count("Each mechanism&#x27;s theme is clbp&#x27;s reconstruction") == 1


# Each change breaks one field; the file then has exactly that one problem, said with the value where it helps.
ONE_PROBLEM = {
    "without mechanism": (("trials_without_mechanism: 36", "trials_without_mechanism: 111"),
                          "study.trials_without_mechanism: cannot exceed trials_included (110)"),
    "more trials than studies": (("studies_identified: 186", "studies_identified: 100"),
                                 "study.trials_included: cannot exceed studies_identified (100)"),
    "years reversed": (("first_trial_year: 1989", "first_trial_year: 2020"),
                       "study.first_trial_year: cannot be after last_trial_year (2019)"),
    "name a number": (("name: Muscle strength", "name: 42"), "mechanisms[0].name: must be text, got a number"),
    "empty name": (("name: Muscle strength", "name: ' '"), "mechanisms[0].name: must not be empty"),
    "aliases not a list": (("aliases: [strength, muscular strength]", "aliases: strength"),
                           "mechanisms[0].aliases: must be a list of text, got text"),
    "empty alias": (("aliases: [strength, muscular strength]", "aliases: [strength, '']"),
                    "mechanisms[0].aliases[1]: must be non-empty text, got empty text"),
    "measures not a list": (("    measures:\n      - {name: isokinetic dynamometry}\n      - {name: hand-held dynamometry}\n      - {name: maximal voluntary contraction, abbreviation: MVC}\n      - {name: one-repetition maximum, abbreviation: 1RM}\n      - {name: manual muscle testing, abbreviation: MMT}\n      - {name: Biodex isokinetic dynamometer}\n      - {name: Cybex isokinetic dynamometer}\n      - {name: MedX lumbar extension machine}\n      - {name: isoinertial trunk dynamometry (B-200 Isostation)}\n      - {name: isometric trunk strength (strain gauge)}\n      - {name: handgrip dynamometry (Jamar)}\n      - {name: progressive isoinertial lifting evaluation}\n      - {name: three-repetition maximum, abbreviation: 3RM}\n", "    measures: TSK\n"),
                            "mechanisms[0].measures: must be a list of {name, abbreviation}, got text"),
    "measure without name": (("      - {name: isokinetic dynamometry}\n", "      - {abbreviation: TSK}\n"),
                             "mechanisms[0].measures[0].name: is missing"),
    "number as key": (("    aliases: [strength, muscular", "    1: one\n    aliases: [strength, muscular"),
                      "mechanisms[0]: keys must be plain text"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(ONE_PROBLEM))
def test_one_broken_field_is_one_problem(clbp, tmp_path, case: str) -> None:
    (old, new), expected = ONE_PROBLEM[case]
    text = bundled_text()
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    assert len(result.err.splitlines()) == 2, result.err
    assert result.err.startswith("clbp: error: cannot use the data file (1 problem):\n")
    assert result.err.endswith(f": {expected}\n"), result.err


def test_a_file_that_is_not_a_mapping_is_one_problem(clbp, tmp_path) -> None:
    path = write(tmp_path, "- just\n- a list\n")
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    assert (
        result.err
        == f"clbp: error: cannot use the data file (1 problem):\n  {path}:1: must be a mapping of fields, got a list\n"
    )


def test_a_top_level_text_of_the_wrong_kind_is_named_by_its_field(clbp, tmp_path) -> None:
    import re

    text = re.sub(r"^caveat: >-\n(?:  .*\n)+", "caveat: 3\n", bundled_text(), count=1, flags=re.MULTILINE)
    path = write(tmp_path, text)
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines()[1:] == [f"  {path}:{_line_of(text, 'caveat:')}: caveat: must be text, got a number"]


# What loses data (issue 16, item 8): a key written twice, a syntax error at the wrong line, a misspelt field.
LESS = "this line is indented less than the lines around it; indent it like the lines of its block"


def test_a_key_written_twice_is_an_error_naming_both_lines(clbp, tmp_path) -> None:
    text = bundled_text().replace("    count: 30\n", "    count: 21\n    count: 22\n", 1)
    path = write(tmp_path, text)
    first = _line_of(text, "    count: 21")
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    assert _problems(result.err) == [
        f"{path}:{first + 1}: mechanisms[0].count: is written twice, at lines {first} and {first + 1}; delete one of "
        "them (YAML would silently keep the last)"
    ]
    assert clbp("show", "muscle strength", "--data", str(path)).code == 1  # never shown with either value


def test_a_key_written_twice_in_a_json_file_is_found_with_its_lines(clbp, tmp_path) -> None:
    path = write(tmp_path, '{"format_version": 1,\n "format_version": 1,\n "source": {}}\n', "data.json")
    problems = _problems(clbp("validate", str(path)).err)
    assert problems[0] == (
        f"{path}:2: format_version: is written twice, at lines 1 and 2; delete one of them (YAML would silently keep "
        "the last)"
    )


def test_a_de_indented_field_is_reported_at_its_own_line_not_lines_later(clbp, tmp_path) -> None:
    text = bundled_text().replace("  title: >-\n", "title: >-\n", 1)
    path = write(tmp_path, text)
    line = _line_of(text, "title: >-")
    parser_line = _line_of(text, "  journal: ")  # where PyYAML notices, three lines later
    assert parser_line == line + 3
    assert _problems(clbp("validate", str(path)).err) == [
        f"{path}:{line}: is not valid YAML: {LESS} (the parser stopped at line {parser_line}: did not find expected key)"
    ]


@pytest.mark.parametrize(
    ("old", "new"), [("    count: 30\n", "count: 30\n"), ("    name: Muscle strength\n", "  name: Muscle strength\n")]
)
def test_a_field_that_slipped_out_of_its_mechanism_is_reported_at_its_line(clbp, tmp_path, old: str, new: str) -> None:
    text = bundled_text().replace(old, new, 1)
    path = write(tmp_path, text)
    problem = _problems(clbp("validate", str(path)).err)[0]
    assert problem.startswith(f"{path}:{_line_of(text, new.rstrip())}: is not valid YAML: {LESS} (the parser stopped")


def test_an_indented_field_is_reported_at_its_line(clbp, tmp_path) -> None:
    text = bundled_text().replace("    count: 30\n", "      count: 30\n", 1)
    path = write(tmp_path, text)
    assert _problems(clbp("validate", str(path)).err) == [
        f"{path}:{_line_of(text, '      count: 30')}: is not valid YAML: this line is indented more than the line above "
        "it, which opens no block; indent it like the line above (the parser stopped: mapping values are not allowed "
        "in this context)"
    ]


def test_a_tab_in_the_indentation_gets_its_hint(clbp, tmp_path) -> None:
    text = bundled_text().replace("    count: 30\n", "\tcount: 30\n", 1)
    path = write(tmp_path, text)
    assert _problems(clbp("validate", str(path)).err) == [
        f"{path}:{_line_of(text, chr(9) + 'count: 30')}: is not valid YAML: a tab in the indentation; YAML indents "
        "with spaces only: replace the tab with spaces (found a tab character that violates indentation)"
    ]


def test_an_unquoted_colon_gets_the_value_quoted_as_the_fix(clbp, tmp_path) -> None:
    text = bundled_text().replace("    name: Muscle strength\n", '    name: Muscle strength: the "core"\n', 1)
    path = write(tmp_path, text)
    assert _problems(clbp("validate", str(path)).err) == [
        f"{path}:{_line_of(text, '    name: Muscle strength:')}: is not valid YAML: a colon and a space inside a "
        'value; put the value in double quotes: name: "Muscle strength: the \\"core\\"" (mapping values are not '
        "allowed in this context)"
    ]


@pytest.mark.parametrize("typo", ["cuont", "Count", "coutn"])
def test_a_misspelt_field_gets_did_you_mean_and_is_one_problem(clbp, tmp_path, typo: str) -> None:
    text = bundled_text().replace("    count: 30\n", f"    {typo}: 30\n", 1)
    path = write(tmp_path, text)
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    assert _problems(result.err) == [
        f"{path}:{_line_of(text, f'    {typo}: 30')}: mechanisms[0].{typo}: is not a known field; did you mean count? "
        "(known: id, name, count, theme, description, aliases, keywords, measures, exercises, phrases, anatomy)"
    ]


def test_a_misspelt_section_brings_no_knock_on_errors(clbp, tmp_path) -> None:
    path = write(tmp_path, bundled_text().replace("\nstudy:\n", "\nstudie:\n", 1))
    problems = _problems(clbp("validate", str(path)).err)
    assert len(problems) == 1 and problems[0].endswith(
        "studie: is not a known field; did you mean study? (known: source, study, themes, mechanisms, sources, "
        "provenance, format_version, subject, theme_provenance, caveat)"
    )


def test_an_unclosed_bracket_gets_a_bracket_hint_not_an_indentation_one(clbp, tmp_path) -> None:
    path = write(tmp_path, "format_version: 1\nsource: [a, b\nstudy: {}\n")
    assert _problems(clbp("validate", str(path)).err) == [
        f"{path}:3: is not valid YAML: did not find expected ',' or ']'; a bracket opened on this line or above is "
        "not closed, or a comma is missing between two items"
    ]


def test_the_trials_outcome_measures_must_be_a_list_of_text(clbp, tmp_path) -> None:
    text = bundled_text()
    start = text.index("  outcomes: [")
    end = text.index("]", start) + 1
    result = clbp("validate", str(write(tmp_path, text[:start] + "  outcomes: ODI" + text[end:])))
    assert (result.code, result.out) == (1, "")
    assert result.err.endswith(": subject.outcomes: must be a list of text, got text\n"), result.err
