"""Search as users ask it (issue 10): every word counts across fields, noise stays out, marks are the data's own
text, `show` resolves only what it is sure of, and scripts get an empty answer when nothing matches."""

from __future__ import annotations

import csv
import io
import json
import marshal
import re
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clbp_cli.core.loading import load_dataset
from clbp_cli.core.model import Dataset
from clbp_cli.core.ranking import RankedMechanism, rank_mechanisms
from clbp_cli.core.search import (
    LookupFailed,
    SearchHit,
    SearchIndex,
    _expand,
    _folded_word_bounds,
    _initials,
    _matches,
    _prepare_query,
    _query_words,
    _rank,
    _row_values,
    _score,
    _scores,
    _word_bounds,
    edit_distance,
    fold,
    nearest_names,
    prepare_search,
    resolve_mechanism,
    search,
    search_page,
    stem,
    word_match,
)
from tests.conftest import REPO

DATASET = load_dataset(None)
RANKED = rank_mechanisms(DATASET)


def ids(query: str) -> list[str]:
    return [hit.row.mechanism.id for hit in search(DATASET, RANKED, query)]


def records(clbp, *args: str) -> list[dict]:
    result = clbp("search", *args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def matched_cells(out: str) -> list[str]:
    """The "Matched in" cells of a plain search table, one per row (continuation lines joined)."""
    cells: list[str] = []
    for line in out.splitlines():
        if re.match(r"\s+=?\d+\s{2}", line):
            cells.append(re.split(r"\s{2,}", line.strip())[-1])
        elif cells and line.startswith(" " * 20) and line.strip():
            cells[-1] += " " + line.strip()
    return cells


# ---- the failures, each a test ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stress cortisol", "stress-response"),
        ("blood flow nutrients", "blood-flow"),
        ("Tampa Scale of Kinesiophobia", "kinesiophobia"),
        ("motor control exercise", "motor-control"),
        ("rate of force development", "muscle-power"),
        ("fitter", "aerobic-fitness"),  # stemming: fitter and fitness meet at "fit"
        ("losing weight", "body-weight"),
        ("ROM", "flexibility"),
    ],
)
def test_multi_word_and_stemmed_queries_find_the_mechanism_first(query: str, expected: str) -> None:
    assert ids(query)[:1] == [expected]


def test_lumbar_lordosis_finds_postural_alignment() -> None:
    assert "postural-alignment" in ids("lumbar lordosis")[:3]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("FABQ", "fear-avoidance"), ("PSEQ", "pain-self-efficacy"), ("TSK", "kinesiophobia"),
        ("pilates", "motor-control"), ("graded activity", "fear-avoidance"),
        ("feeling down", "mood"), ("scared to move", "kinesiophobia"), ("happy hormones", "endorphins"),
        ("slouching", "postural-alignment"),
    ],
)  # fmt: skip
def test_measures_exercises_and_everyday_words_are_searched(query: str, expected: str) -> None:
    assert ids(query)[:1] == [expected]


def test_a_measure_is_found_by_its_name_and_its_abbreviation(clbp) -> None:
    hit = records(clbp, "TSK")[0]
    assert (hit["id"], hit["matched_field"], hit["matched_terms"]) == ("kinesiophobia", "measure", ["tsk"])
    assert hit["matched_text"] == "Tampa Scale for Kinesiophobia (TSK)"


@pytest.mark.parametrize("query", ["the", "of", "to the", "q", "%s%n", "xyz"])
def test_stopwords_single_letters_and_noise_find_nothing(clbp, query: str) -> None:
    result = clbp("search", query)
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith(f"clbp: error: no mechanism matches {query!r}")


def test_a_phrase_of_small_words_is_found_when_the_query_holds_it_whole(clbp) -> None:
    """No word of "the pain really gets me down" can score (a stopword, a particle, the review's subject), but the
    everyday phrase "gets me down" is in it whole: Mood, as a phrase match. Small words alone still find nothing."""
    hit = records(clbp, "the pain really gets me down")
    assert [(h["id"], h["matched_field"], h["match_type"], h["matched_text"]) for h in hit] == [
        ("mood", "phrase", "phrase", "gets me down")
    ]
    assert hit[0]["matched_terms"] == ["gets", "me", "down"]
    exact = records(clbp, "Doing-too-MUCH")
    assert [(h["id"], h["match_type"]) for h in exact] == [("coping-strategies", "exact")]
    assert clbp("search", "it gets me", "--format", "json").out == "[]\n"  # part of a phrase is not the phrase
    assert clbp("search", "back pain", "--format", "json").out == "[]\n"  # the whole review, still
    page = search_page(DATASET, RANKED, "gets me down", theme_id="neuromuscular")
    assert (page.hits, page.matched, page.total) == ([], 0, 1)
    marked = clbp("search", "it really gets me down", env={"COLUMNS": "100"}).out
    assert "phrase: [gets me down]" in marked
    pasted = search(DATASET, RANKED, "it gets me down " * 5000)  # only the first words are looked at
    assert [hit.row.mechanism.id for hit in pasted] == ["mood"]


def test_short_words_match_whole_words_only() -> None:
    assert "motor-control" not in ids("ROM")  # no neu[rom]uscular
    assert ids("rom") == ids("ROM")


def test_marks_do_not_corrupt_the_text_when_words_repeat_or_come_in_another_order(clbp) -> None:
    cells = matched_cells(clbp("search", "motor control").out)
    assert not any("][" in cell for cell in cells)
    assert cells[0] == "name: [Motor control]"
    assert matched_cells(clbp("search", "efficacy efficacy").out)[0] == "name: Pain self-[efficacy]"
    assert matched_cells(clbp("search", "control motor").out)[0] == "name: [Motor control]"  # another order
    for cell in matched_cells(clbp("search", "control motor").out):
        assert "][" not in cell


def test_a_spelling_fold_that_shortens_a_word_marks_the_whole_word(clbp) -> None:
    cell = matched_cells(clbp("search", "behaviour").out)[0]
    assert cell == "alias: fear-avoidance [behavior]"
    assert matched_cells(clbp("search", "behavior").out)[0] == cell


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
@settings(max_examples=300, deadline=None)
def test_word_bounds_of_ascii_text_are_its_runs_of_letters_and_digits(text: str) -> None:
    """The fast path for ASCII text finds the same words as folding does, wherever the spelling rules apply."""
    for sample in (text, "Modelling the behaviour of a centre: oedema, stabilisation-exercises (TSK_11)"):
        if fold(sample):
            assert _word_bounds(sample) == _folded_word_bounds(sample), sample


def test_html_marks_are_the_fields_text(clbp) -> None:
    html = clbp("search", "efficacy efficacy", "--format", "html").out
    assert "Pain self-<mark>efficacy</mark>" in html
    assert "</mark><mark>" not in html


# ---- ranking ------------------------------------------------------------------------------------------------------


def test_more_matched_words_rank_higher() -> None:
    hits = search(DATASET, RANKED, "fear of movement")
    assert hits[0].row.mechanism.id == "kinesiophobia"
    assert hits[0].kind == "exact" and hits[0].matched_terms == ("fear", "movement")
    assert [hit.relevance for hit in hits] == sorted((hit.relevance for hit in hits), reverse=True)


def test_typos_are_tolerated_per_word_but_not_where_a_word_matches_as_typed() -> None:
    assert ids("kinesiofobia")[:1] == ["kinesiophobia"]
    assert ids("strenght")[:1] == ["muscle-strength"]
    assert ids("endorfins")[:1] == ["endorphins"]  # 'ph' sounds like 'f'
    assert ids("fear blod flow")[:1] == ["blood-flow"]  # a typo in one word of several
    hits = search(DATASET, RANKED, "kinesiofobia")
    assert hits[0].kind == "fuzzy"


def test_a_query_partly_outside_the_review_needs_a_specific_word_matched_whole() -> None:
    assert ids("diabetes medication") == []  # medication is one letter from meditation: a typo is no anchor
    assert ids("quantum entanglement") == []
    assert ids("shoulder pain") == []  # "pain" is in most mechanisms; "shoulder" in none
    assert ids("anaesthesia") == []  # two edits from kinesthesia, but not at the first letter
    assert ids("fear of heights")[:2] == ["fear-avoidance", "kinesiophobia"]  # "fear" is specific
    assert ids("thinks he is disabled")[:2].count("disability-perception") == 1  # "he" is a stopword


@pytest.mark.parametrize(
    "query",
    ["attention deficit in young children", "strength of the pound against the dollar",
     "blood sugar tablets for diabetes", "tension headache behind my eyes"],
)  # fmt: skip
def test_a_hit_matches_at_least_half_as_many_words_as_the_review_does_not_know(query: str) -> None:
    """One real word among three words that match nothing in the data is about something else: a hit must match
    at least half as many of the query's words as the data does not hold."""
    assert ids(query) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [("I slouch at my desk all day", "postural-alignment"), ("periaqueductal grey", "descending-inhibition"),
     ("scared to bend when I play with my kids", "kinesiophobia"), ("fear of movement in older adults", "kinesiophobia"),
     ("can't sleep since my accident", "sleep")],
)  # fmt: skip
def test_words_the_review_does_not_know_may_be_a_persons_context(query: str, expected: str) -> None:
    """ "day" is a filler word; "grey", "play", "kids", "older", "accident" are no words of the data, but a person's
    own context: beside a real match they weigh half as much as the words that match."""
    assert ids(query)[:1] == [expected]


def test_a_fuzzy_match_never_lands_on_a_stopword_of_the_data() -> None:
    index = prepare_search(DATASET, RANKED)
    (against,) = _query_words("against", index)
    assert "again" not in _expand(against, index.vocabulary, index)


def test_the_british_our_needs_two_letters_before_it() -> None:
    assert fold("colour odour behaviours") == "color odor behaviors"
    assert fold("your hours four") == "your hours four"  # your stays a stopword


def test_only_the_first_32_content_words_count() -> None:
    padding = " ".join(f"zz{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(32))
    index = prepare_search(DATASET, RANKED)
    assert [word.folded for word in _query_words(f"kinesiophobia {padding}", index)][:2] == ["kinesiophobia", "zzaa"]
    assert len(_query_words(f"kinesiophobia {padding}", index)) == 32
    assert ids(padding + " kinesiophobia") == []
    assert ids("kinesiophobia " + padding) == []  # one word of 32 is not enough of the query


def test_joined_words_meet_the_data(clbp) -> None:
    assert ids("co-ordination")[:1] == ids("coordination")[:1] == ["motor-control"]


def test_british_spellings_fold_to_american() -> None:
    assert fold("Oedema, haemoglobin, behaviour") == "edema hemoglobin behavior"


@pytest.mark.parametrize(
    ("british", "american"), [("modelling", "modeling"), ("cancelled", "canceled"), ("travelling", "traveling")]
)
def test_a_british_double_l_folds_and_a_words_own_ll_stays(british: str, american: str) -> None:
    """The double l of modelling is a spelling; that of falling, rolling or swelling is the word's own, so that
    "falling" still meets "fall" (before, both lost an l and never met)."""
    assert fold(british) == american
    for word, root in [("falling", "fall"), ("rolling", "roll"), ("swelling", "swell")]:
        assert stem(fold(word)) == stem(fold(root)) == root


def test_stemmer_examples() -> None:
    assert stem("fitter") == stem("fitness") == "fit"
    assert stem("exercises") == stem("exercising") == stem("exercise")
    assert stem("injuries") == "injury"
    assert stem("stresses") == stem("stress") == "stress"
    assert stem("worried") == stem("worry") == "worry"
    assert stem("running") == "run" and stem("falling") == "fall"
    assert stem("tsk") == "tsk" and stem("vo2max") == "vo2max"
    assert stem("powerful") == stem("power") and stem("painful") == stem("pain") and stem("awful") == "awful"
    assert stem("mindfulness") == stem("mindful")


def test_edit_distance_counts_swaps_as_one_and_stops_past_the_limit() -> None:
    assert edit_distance("strenght", "strength", 1) == 1
    assert edit_distance("education", "reduction", 1) == 2  # over the limit of 1
    assert edit_distance("abc", "abcdef", 1) == 2
    assert edit_distance("same", "same", 0) == 0


def test_word_match_kinds() -> None:
    assert word_match("fitter", "fitness") == "word"
    assert word_match("kines", "kinesiophobia") == "prefix"
    assert word_match("phobia", "kinesiophobia") == "inside"
    assert word_match("rate", "strategies") is None  # inside a word only from 5 letters
    assert word_match("rom", "neuromuscular") is None
    assert word_match("disabled", "disability") == "prefix"  # one word family
    assert word_match("confident", "confidence") == "prefix"
    assert word_match("control", "contraction") is None
    assert word_match("strenght", "strength") is None  # a typo, which only _expand tolerates


# ---- highlights: a property over random queries ---------------------------------------------------------------

VOCABULARY = sorted(
    {
        word
        for row in RANKED
        for _, text in _row_values(row, {t.id: t.name for t in DATASET.themes})
        for word in fold(text).split()
    }
)
QUERY_WORDS = st.one_of(st.sampled_from(VOCABULARY), st.text(alphabet="abcdefghijklmnopqrstuvwxyzéß-' ", max_size=8))


def _unmarked_text(hit_text: str, field_text: str) -> bool:
    if hit_text.startswith("... "):
        hit_text = hit_text[4:]
    if hit_text.endswith(" ..."):
        hit_text = hit_text[:-4]
    return hit_text in field_text


def _assert_marks_sorted_merged_on_matched_words(query: str, hit: SearchHit) -> None:
    """The marks are in order, apart (merged), inside the text, and each covers a word of a matched term."""
    previous_end = -1
    term_words = [word for term in hit.matched_terms for word in fold(term).split()]
    for start, end in hit.spans:
        assert previous_end < start < end <= len(hit.text), (query, hit.text, hit.spans)
        previous_end = end
        marked = fold(hit.text[start:end]).split()
        assert any(
            word_match(term_word, word) or edit_distance(term_word, word, 2) <= 2
            for word in marked
            for term_word in term_words
        ) or any(term_word in _initials(" ".join(marked)) for term_word in term_words), (
            query, hit.text, (start, end), hit.matched_terms,
        )  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(QUERY_WORDS, min_size=1, max_size=4), upper=st.booleans())
def test_marks_are_sorted_merged_inside_the_fields_own_text_and_cover_a_matched_word(words, upper) -> None:
    query = " ".join(words)
    query = query.upper() if upper else query
    theme_names = {theme.id: theme.name for theme in DATASET.themes}
    for hit in search(DATASET, RANKED, query):
        texts = [text for field, text in _row_values(hit.row, theme_names) if field == hit.field]
        assert any(_unmarked_text(hit.text, text) for text in texts), (query, hit)
        assert hit.spans, (query, hit)
        _assert_marks_sorted_merged_on_matched_words(query, hit)
        assert hit.matched_terms, (query, hit)


FIELD_WORDS = st.one_of(
    st.sampled_from(["behaviour", "Stabilisation", "centre", "kinaesthesia", "oedema", "modelling", "Straße", "café",
                     "fear-avoidance", "self-efficacy", "back", "pain", "range", "of", "motion", "the", "Ærø"]),
    st.text(alphabet="abcdeéfgiklmnoprstuyzß", min_size=1, max_size=9),
)  # fmt: skip
FIELD_TEXT = st.lists(FIELD_WORDS, min_size=1, max_size=8).map(
    lambda words: "".join(
        word + sep for word, sep in zip(words, [" ", "-", ", ", " (", ") ", "/", "  "] * 2, strict=False)
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alias=FIELD_TEXT, description=FIELD_TEXT, picks=st.lists(st.integers(0, 20), min_size=1, max_size=3))
def test_marks_hold_for_random_fields_too(alias: str, description: str, picks: list[int]) -> None:
    """Random field text (accents, folds that change length, punctuation, repeats): the same properties."""
    mechanism = DATASET.mechanisms[0]._replace(aliases=(alias,), description=description)
    dataset = DATASET._replace(mechanisms=(mechanism, *DATASET.mechanisms[1:]))
    ranked = rank_mechanisms(dataset)
    words = fold(f"{alias} {description}").split()
    query = " ".join(words[pick % len(words)] for pick in picks) if words else "x"
    for hit in search(dataset, ranked, query):
        if hit.row.mechanism.id != mechanism.id or hit.field not in ("alias", "description"):
            continue
        field_text = alias if hit.field == "alias" else description
        assert _unmarked_text(hit.text, field_text), (query, hit)
        _assert_marks_sorted_merged_on_matched_words(query, hit)


# ---- show -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["the", "%s%n", "back", "q", "walking", "pilates"])
def test_show_never_picks_a_mechanism_for_noise_or_a_related_word(clbp, name: str) -> None:
    result = clbp("show", name)
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith(f"clbp: error: no mechanism called {name!r}")
    assert len(result.err.splitlines()) == 1


def test_show_walking_lists_the_search_hits_and_the_next_step(clbp) -> None:
    result = clbp("show", "walking")
    assert "search finds: Aerobic fitness" in result.err
    assert "clbp search walking" in result.err
    quoted = clbp("show", "brisk walking").err
    assert "clbp search 'brisk walking'" in quoted


@pytest.mark.parametrize(
    ("name", "expected"),
    [("motor-control", "Motor control"), ("MOTOR-CONTROL", "Motor control"), ("mot", "Motor control"),
     ("kines", "Kinesiophobia"), ("pain self-eff", "Pain self-efficacy"), ("fear of mov", "Kinesiophobia"),
     ("Tissue restoration", "Tissue restoration"), ("stabilisation", "Stabilization")],
)  # fmt: skip
def test_show_resolves_ids_names_aliases_and_unique_starts_without_a_note(clbp, name: str, expected: str) -> None:
    result = clbp("show", name)
    assert (result.code, result.err) == (0, "")
    assert result.out.lstrip().startswith(expected)


def test_show_a_start_shared_by_several_lists_them(clbp) -> None:
    result = clbp("show", "pain")
    assert (result.code, result.out) == (1, "")
    assert "'pain' matches several mechanisms: Pain self-efficacy or Pain tolerance; name one of them" in result.err


def test_show_a_typo_of_an_alias_says_so(clbp) -> None:
    result = clbp("show", "fear of movment")
    assert result.code == 0 and result.out.lstrip().startswith("Kinesiophobia")
    assert result.err == "clbp: note: no exact match for 'fear of movment'; showing the closest: Kinesiophobia\n"


def test_resolve_mechanism_raises_with_candidates_or_suggestions() -> None:
    with pytest.raises(LookupFailed) as failed:
        resolve_mechanism(DATASET, RANKED, "walking")
    assert not failed.value.ambiguous and failed.value.suggestions[0] == "Aerobic fitness"
    with pytest.raises(LookupFailed) as failed:
        resolve_mechanism(DATASET, RANKED, "")
    assert failed.value.suggestions == ()


def test_completed_ids_resolve_for_every_mechanism(clbp) -> None:
    for mechanism in DATASET.mechanisms:
        assert resolve_mechanism(DATASET, RANKED, mechanism.id).row.mechanism is mechanism
        assert resolve_mechanism(DATASET, RANKED, mechanism.name.upper()).exact


def test_typing_treats_the_last_unfinished_word_as_the_start_of_a_word() -> None:
    """clbp browse re-ranks on every key: "fe" on the way to "fear" already finds what it will."""
    assert ids("fe") == []  # a finished query: two letters match whole words only
    typed = [hit.row.mechanism.id for hit in search(DATASET, RANKED, "fe", typing=True)]
    assert typed[:2] == ["fear-avoidance", "kinesiophobia"]
    assert [hit.row.mechanism.id for hit in search(DATASET, RANKED, "fear of", typing=True)][:2] == typed[:2]
    assert search(DATASET, RANKED, "fe ", typing=True) == []  # a space ends the word


# ---- suggestions ----------------------------------------------------------------------------------------------


def test_did_you_mean_only_for_a_really_close_name(clbp) -> None:
    assert nearest_names(prepare_search(DATASET, RANKED), "education") == []
    assert nearest_names(prepare_search(DATASET, RANKED), "pilates") == []
    assert nearest_names(prepare_search(DATASET, RANKED), "mindfullnes") == ["Mindfulness"]
    assert nearest_names(prepare_search(DATASET, RANKED), "catastrofy") == [
        "Catastrophizing"
    ]  # the start of a name, mistyped
    result = clbp("search", "education")
    assert (result.code, result.out) == (1, "")
    assert result.err == "clbp: error: no mechanism matches 'education'; see every name with: clbp list\n"


def test_search_suggests_a_close_name_when_nothing_matches(clbp, monkeypatch) -> None:
    import clbp_cli.core.search as engine

    monkeypatch.setattr(engine, "search_page", lambda *args, **options: engine.SearchPage([], 0, 0))
    result = clbp("search", "mindfullnes")
    assert result.err == "clbp: error: no mechanism matches 'mindfullnes'; did you mean: Mindfulness?\n"


# ---- scripts ------------------------------------------------------------------------------------------------------


def test_no_match_gives_scripts_an_empty_answer_and_exit_1(clbp) -> None:
    message = "clbp: error: no mechanism matches 'zzzqqq'; see every name with: clbp list\n"
    for output_format, parse in (("json", json.loads), ("yaml", yaml.safe_load)):
        result = clbp("search", "zzzqqq", "--format", output_format)
        assert (result.code, parse(result.out), result.err) == (1, [], message)
    result = clbp("search", "zzzqqq", "--format", "csv")
    assert result.code == 1 and result.err == message
    assert next(csv.reader(io.StringIO(result.out))) == list(records(clbp, "fear")[0])
    for output_format in ("table", "markdown"):
        assert clbp("search", "zzzqqq", "--format", output_format).out == ""


def test_matched_terms_are_the_query_words_that_matched(clbp) -> None:
    first = records(clbp, "Fear of MOVEMENT and xyzzy")[0]
    assert first["id"] == "kinesiophobia" and first["matched_terms"] == ["fear", "movement"]
    csv_text = clbp("search", "stress cortisol", "--format", "csv").out
    row = next(csv.DictReader(io.StringIO(csv_text)))
    assert row["matched_terms"] == "stress; cortisol"


def test_search_theme_and_top(clbp) -> None:
    hits = records(clbp, "fear", "--theme", "psychosocial", "--top", "2")
    assert len(hits) == 2 and {hit["theme"] for hit in hits} == {"psychosocial"}
    everything = records(clbp, "fear")
    assert [hit["id"] for hit in hits] == [hit["id"] for hit in everything if hit["theme"] == "psychosocial"][:2]
    none = clbp("search", "cortisol", "--theme", "tissue")
    assert none.code == 1
    assert (
        none.err
        == "clbp: error: no mechanism in theme tissue-healing matches 'cortisol'; other themes have some: clbp search cortisol\n"
    )
    table = clbp("search", "muscle", "--top", "2").out
    assert re.match(r"\s*2 mechanisms match 'muscle' \(the first 2 of \d+\)", table)
    bad = clbp("search", "muscle", "--theme", "nope")
    assert bad.code == 2 and "no theme called 'nope'" in bad.err
    assert clbp("search", "muscle", "--top", "0").code == 2


# ---- issue 19: search knows when it does not know -------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["car insurance renewal", "how to renew a passport", "paying my taxes is a real pain in the neck", "up"],
)
def test_one_incidental_word_of_a_longer_query_is_no_match(query: str) -> None:
    assert ids(query) == []


def _finds_nothing_and_says(clbp, query: str, message: str) -> None:
    """No mechanism, exit 1: nothing on stdout for a person, an empty list for a program, and why on stderr."""
    table = clbp("search", query)
    assert (table.code, table.out, table.err) == (1, "", message)
    machine = clbp("search", query, "--format", "json")
    assert (machine.code, json.loads(machine.out), machine.err) == (1, [], message)


@pytest.mark.parametrize("query", ["back pain", "does exercise work", "why does exercise help my back", "CLBP"])
def test_a_query_naming_only_the_reviews_subject_asks_about_the_whole_review(clbp, query: str) -> None:
    message = (
        f"clbp: error: {query!r} names what the whole review is about, not one mechanism; see every mechanism "
        "with: clbp list, and the review itself with: clbp about\n"
    )
    _finds_nothing_and_says(clbp, query, message)


def test_the_subject_words_come_from_the_data() -> None:
    from clbp_cli.core.model import Subject
    from clbp_cli.core.search import asks_about_the_whole_review

    without = DATASET._replace(subject=Subject("", "", "", ()))
    assert not asks_about_the_whole_review(without, "back pain")
    assert search(without, rank_mechanisms(without), "back pain")  # a file that names no subject: plain words
    other = DATASET._replace(subject=Subject("", "", "", ("fear", "fears")))
    assert asks_about_the_whole_review(other, "FEARS") and search(other, rank_mechanisms(other), "fear") == []
    assert asks_about_the_whole_review(DATASET, "back pain") and ids("back pain") == []


def test_the_subjects_words_beside_a_real_word_add_no_score() -> None:
    """They add nothing of their own (they still belong to a phrase: "back strength" is an alias)."""
    plain, mixed = search(DATASET, RANKED, "endurance"), search(DATASET, RANKED, "chronic endurance pain")
    assert [(hit.row, hit.relevance) for hit in mixed] == [(hit.row, hit.relevance) for hit in plain]
    assert all(hit.matched_terms == ("endurance",) for hit in mixed)
    assert ids("back strength")[0] == "muscle-strength"


def test_particles_never_match_alone_but_belong_to_phrases() -> None:
    found = ids("how do I cope when my back flares up")
    assert found[0] == "coping-strategies"
    assert "postural-alignment" not in found and "mood" not in found  # "sitting up straight", "fed up"
    assert ids("fed up")[0] == "mood"


def test_an_everyday_phrase_matches_as_a_phrase_not_through_one_of_its_words() -> None:
    assert "endorphins" not in ids("high-intensity interval training")  # "runner's high"
    assert ids("runner's high")[0] == "endorphins"


def test_word_forms_that_drop_an_e_meet() -> None:
    assert stem("cope") == stem("coping") and stem("move") == stem("moving")
    assert stem("fatigue") == stem("fatiguing") and stem("sleeping") == stem("sleep")
    assert ids("coping")[0] == "coping-strategies"


def test_show_uses_the_same_word_forms_as_search(clbp) -> None:
    result = clbp("show", "sleeping")
    assert result.code == 0 and result.err == ""
    assert result.out.split("\n", 1)[0].split()[0] == "Sleep"


def test_a_word_the_data_writes_as_two_is_split() -> None:
    assert ids("selfefficacy")[0] == "pain-self-efficacy"
    assert ids("selfefficacy") == ids("self efficacy")


def test_a_page_is_the_first_hits_of_a_theme_with_both_counts() -> None:
    from clbp_cli.core.search import search_page

    everything = search(DATASET, RANKED, "muscle")
    page = search_page(DATASET, RANKED, "muscle", top=2, theme_id="neuromuscular")
    in_theme = [hit for hit in everything if hit.row.mechanism.theme == "neuromuscular"]
    assert page.hits == in_theme[:2] and page.matched == len(in_theme) and page.total == len(everything)
    assert search_page(DATASET, RANKED, "back pain") == search_page(DATASET, RANKED, "") == ([], 0, 0)


def test_the_collector_pause_is_shared_by_threads_and_restores_what_it_found() -> None:
    import gc
    import threading

    from clbp_cli.core.search import collector_paused

    was = gc.isenabled()
    try:
        gc.enable()
        inside, leave = threading.Event(), threading.Event()

        def worker() -> None:
            with collector_paused():
                inside.set()
                leave.wait(5)

        thread = threading.Thread(target=worker)
        with collector_paused():
            thread.start()
            assert inside.wait(5) and not gc.isenabled()
        assert not gc.isenabled()  # the worker is still searching
        leave.set()
        thread.join(5)
        assert gc.isenabled()
        gc.disable()
        with collector_paused(), collector_paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        (gc.enable if was else gc.disable)()


def test_objects_frozen_for_life_stay_frozen_after_a_search() -> None:
    """clbp browse moves its data and index out of the collector's sight for good; a search's pause of the collector
    must not thaw them (gc.unfreeze), and must not count them either (gc.get_freeze_count walks them all). In a
    child process: freezing is for the whole process."""
    import subprocess
    import sys

    script = (
        "import gc\n"
        "from clbp_cli.core.loading import load_dataset\n"
        "from clbp_cli.core.ranking import rank_mechanisms\n"
        "from clbp_cli.core.search import freeze_for_life, prepare_search, search\n"
        "dataset = load_dataset(None); ranked = rank_mechanisms(dataset); index = prepare_search(dataset, ranked)\n"
        "freeze_for_life(); frozen = gc.get_freeze_count()\n"
        "assert [hit.row.mechanism.id for hit in search(dataset, ranked, 'fear', index=index)][:1] == ['fear-avoidance']\n"
        "assert gc.get_freeze_count() == frozen > 0 and gc.isenabled()\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok\n", "")


def test_the_folded_data_of_a_large_file_is_kept_beside_the_data_cache(monkeypatch, tmp_path: Path) -> None:
    import clbp_cli.core.search as engine

    monkeypatch.setenv("CLBP_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(engine, "STORED_FROM", 1)  # the bundled data counts as large
    first = prepare_search(DATASET, RANKED)
    (entry,) = tmp_path.glob("search-*.marshal")
    fold_rows = engine._fold_rows

    def refuse(*args: object) -> None:
        raise AssertionError("folded again")

    monkeypatch.setattr(engine, "_fold_rows", refuse)
    again = prepare_search(DATASET, RANKED)  # read back, not folded
    assert (again.text, again.folded, again.sorted_words) == (first.text, first.folded, first.sorted_words)
    assert [tuple(hit) for hit in search(DATASET, RANKED, "fear", index=again)] == [tuple(hit) for hit in search(
        DATASET, RANKED, "fear", index=first)]  # fmt: skip
    monkeypatch.setattr(engine, "_fold_rows", fold_rows)
    edited = DATASET._replace(mechanisms=(DATASET.mechanisms[0]._replace(name="Muscular strength"),
                                          *DATASET.mechanisms[1:]))  # fmt: skip
    assert prepare_search(edited, rank_mechanisms(edited)).folded[0][0] == "muscular strength"  # a new key
    entry.write_bytes(b"damaged")
    assert prepare_search(DATASET, RANKED).folded == first.folded  # folded again, silently
    key, *content = marshal.loads(entry.read_bytes())
    content[5] = content[5][:-4]  # the postings one word short: an entry of the wrong sizes is not read
    entry.write_bytes(marshal.dumps((key, *content)))
    monkeypatch.setattr(engine, "_fold_rows", refuse)
    with pytest.raises(AssertionError, match="folded again"):
        prepare_search(DATASET, RANKED)
    monkeypatch.setattr(engine, "_fold_rows", fold_rows)
    monkeypatch.setenv("CLBP_NO_CACHE", "1")
    entry.unlink()
    prepare_search(DATASET, RANKED)
    assert not list(tmp_path.glob("search-*"))


# ---- the quality gate -----------------------------------------------------------------------------------------


def test_relevance_on_the_dev_set_keeps_mrr_at_least_0_9() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import search_quality
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    entries = search_quality.load_set(Path(REPO / "benchmarks" / "relevance" / "dev.yaml"))
    assert len(entries) >= 100
    figures = search_quality.evaluate(entries)["all"].figures()
    assert figures["MRR"] is not None and figures["MRR"] >= 0.9, figures
    assert figures["none ok"] == 1.0, figures


@pytest.fixture(scope="module")
def large_dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, list[RankedMechanism]]:
    """The bundled data with 1,500 generated mechanisms, as benchmarks/scale.py makes them."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from scale import generate

    path = tmp_path_factory.mktemp("large") / "large.yaml"
    generate(1500, path)
    dataset = load_dataset(str(path))
    return dataset, rank_mechanisms(dataset)


def _relevance_queries() -> list[str]:
    entries = yaml.safe_load((REPO / "benchmarks" / "relevance" / "dev.yaml").read_text(encoding="utf-8"))
    typed = [query[:end] for query in ("fear", "motor control", "stabilisation", "tsk") for end in range(1, 14)]
    return [entry["query"] for entry in entries] + sorted(set(typed))


@pytest.mark.parametrize("large", [False, True], ids=["bundled", "generated"])
def test_a_prepared_index_finds_exactly_what_a_fresh_search_does(
    large: bool, large_dataset: tuple[Dataset, list[RankedMechanism]]
) -> None:
    """clbp browse prepares the data once and searches it on every key, keeping what each search worked out: the
    hits must not depend on what was searched before (one index used for every query in order, another in reverse
    order, a fresh one for `search` without an index), and the index's shortcuts (postings, sorted words, words by
    length) must find the same words and rows as trying every word and every row. Each index is built once."""
    dataset, ranked = large_dataset if large else (DATASET, RANKED)
    queries = _relevance_queries()[:: 2 if large else 1]  # on the large data, half of them (time)
    forward, backward = prepare_search(dataset, ranked), prepare_search(dataset, ranked)
    top = 10 if large else None  # on the large data, the first hits and the counts (the rows are the same kind)

    def page(query: str, typing: bool, index: SearchIndex | None) -> tuple[object, ...]:
        found = search_page(dataset, ranked, query, top=top, typing=typing, index=index)
        return tuple(tuple(hit) for hit in found.hits), found.matched, found.total

    found = {(query, typing): page(query, typing, forward) for query in queries for typing in (False, True)}
    for query in reversed(queries):
        for typing in (False, True):
            assert page(query, typing, backward) == found[query, typing], (query, typing)
    for query in queries[::25]:  # without an index: one is built, and the hits are the same
        assert page(query, False, None) == found[query, False]
    row_words = [set(" ".join(values).split()) for values in forward.folded]
    expanded: set[str] = set()
    for query in queries[:: 2 if large else 1]:  # trying every word of the large data is slow: fewer queries
        for word in _query_words(query, forward, typing=True):
            if word.folded in expanded or not word.scores:
                continue
            expanded.add(word.folded)
            expansion = _expand(word, forward.vocabulary, forward)
            assert expansion == _expand(word, forward.vocabulary), (query, word)
            scanned = {n for n, words in enumerate(row_words) if words & set(expansion)}
            assert {n for w in expansion for n in forward.word_rows(w).rows} == scanned, (query, word)


def test_the_index_folds_the_whole_data_as_fold_does_each_value(
    large_dataset: tuple[Dataset, list[RankedMechanism]],
) -> None:
    for dataset, ranked in ((DATASET, RANKED), large_dataset):
        index = prepare_search(dataset, ranked)
        assert index.folded == [[fold(value) for value in values] for values in index.texts]
        assert index.vocabulary == frozenset(index.text.split())
        assert [index.field(value) for value in range(len(index.value_rows))] == [
            field for row in ranked for field, _ in _row_values(row, {t.id: t.name for t in dataset.themes})
        ]


@pytest.mark.parametrize("large", [False, True], ids=["bundled", "generated"])
def test_scoring_word_by_word_gives_what_scoring_row_by_row_does(
    large: bool, large_dataset: tuple[Dataset, list[RankedMechanism]]
) -> None:
    """search ranks every matching row word by word over the rows (fast when a key matches thousands), and
    builds each hit shown value by value: both must give every row the same score, coverage and anchors."""
    dataset, ranked = large_dataset if large else (DATASET, RANKED)
    index = prepare_search(dataset, ranked)
    for query in _relevance_queries()[:: 2 if large else 1]:  # on the large data, half of them (time)
        prepared = _prepare_query(index, _query_words(query, index, typing=True))
        if prepared is None:
            continue
        scoring = prepared[0]
        ranked_rows = _scores(index, scoring)
        matches = _matches(index, scoring, {found.row_number for found in ranked_rows})
        assert {index.value_rows[value] for value in matches} == {found.row_number for found in ranked_rows}, query
        for found in ranked_rows:
            row = found.row_number
            by_value = _score(index, row, matches, scoring)
            columns = [[{row: value} for value in column] for column in (by_value.best, by_value.how, by_value.fields)]
            (detailed,) = _rank([row], *columns, {row: by_value.bonus}, scoring)
            assert (detailed.score, detailed.coverage) == pytest.approx((found.score, found.coverage)), query
            assert detailed.anchors == found.anchors, query


def test_the_acronyms_found_by_regex_are_those_of_every_value(
    large_dataset: tuple[Dataset, list[RankedMechanism]],
) -> None:
    """An acronym's rows are found by a regex pass over the text, then checked: they must be exactly the rows with
    a value (but the description) of that acronym, by the initials of all its words or of all but stopwords."""
    for dataset, ranked in ((DATASET, RANKED), large_dataset):
        index = prepare_search(dataset, ranked)
        table: dict[str, set[int]] = {}
        for row, values in enumerate(index.folded):
            for value in values[:-1]:
                for acronym in filter(None, _initials(value)):
                    table.setdefault(acronym, set()).add(row)
        assert "rom" in table  # range of motion
        others = ["zz", "qqq", "ro", "ab", "mm", "sss", "fab", "aaaaaa"]
        step = max(1, len(table) // 150)  # 150 of its acronyms, spread over the alphabet (each compiles a regex)
        for acronym in sorted(table)[::step] + others:
            assert index.acronym_rows(acronym) == sorted(table.get(acronym, ())), acronym


def test_search_rebuilds_an_index_made_for_other_data() -> None:
    other = rank_mechanisms(DATASET)
    index = prepare_search(DATASET, other)
    assert [tuple(hit) for hit in search(DATASET, RANKED, "fear", index=index)] == [
        tuple(hit) for hit in search(DATASET, RANKED, "fear")
    ]


# ---- search that generalises: outcome measures, subject words, filler words ---------------------------------------


@pytest.mark.parametrize("query", ["Oswestry", "ODI", "Roland-Morris Disability Questionnaire", "NPRS",
                                   "numeric pain rating scale", "the visual analogue scale"])  # fmt: skip
def test_a_query_naming_one_of_the_trials_outcome_measures_finds_no_mechanism(clbp, query: str) -> None:
    """The data's `subject.outcomes` measure the result the mechanisms would explain (facts: a disability
    questionnaire is the trials' outcome), so no mechanism answers, and the message says why."""
    message = (
        f"clbp: error: {query!r} names one of the trials' outcome measures (the result the mechanisms would "
        "explain), not a mechanism's; see each mechanism's measures with: clbp measures\n"
    )
    _finds_nothing_and_says(clbp, query, message)


def test_an_outcome_measure_needs_a_word_of_its_own_and_comes_from_the_data() -> None:
    from clbp_cli.core.model import Subject
    from clbp_cli.core.search import names_an_outcome

    index = prepare_search(DATASET, RANKED)
    assert names_an_outcome(index, "Oswestry Disability Index") and ids("Oswestry Disability Index") == []
    # words the mechanisms' data also uses, alone, are a search like any other
    assert not names_an_outcome(index, "disability") and ids("disability")[0] == "disability-perception"
    assert not names_an_outcome(index, "rating scale")
    without = DATASET._replace(subject=DATASET.subject._replace(outcomes=()))
    ranked = rank_mechanisms(without)
    assert not names_an_outcome(prepare_search(without, ranked), "Oswestry Disability Index")
    assert search(without, ranked, "Oswestry Disability Index")  # a file that names no outcome: plain words
    assert Subject("", "", "", ()).outcomes == ()


@pytest.mark.parametrize("query", ["lumbago", "does physiotherapy help", "physio", "mediators of the effect"])
def test_words_for_the_reviews_own_subject_include_its_everyday_names(query: str) -> None:
    """Lumbago is back pain, physiotherapy the setting of the trials and a mediator the review's "mechanism": a
    query of only such words asks about the whole review, not one mechanism."""
    from clbp_cli.core.search import asks_about_the_whole_review

    assert asks_about_the_whole_review(DATASET, query) and ids(query) == []


@pytest.mark.parametrize(
    ("padded", "plain"),
    [("I'm scared I'll hurt", "scared hurt"), ("it feels like it makes me disabled", "feels disabled"),
     ("avoid bending because it might hurt again", "avoid bending hurt"),
     ("I don't sleep well since last week", "sleep well last"), ("I always feel tired every day", "feel tired")],
)  # fmt: skip
def test_filler_words_and_the_tails_of_contractions_add_nothing(padded: str, plain: str) -> None:
    """'ll, 've, 're, like, make, made, because, might, again: said in passing, they neither match nor dilute the
    words that do (a hit rests on a share of the query's words)."""
    found = [(hit.row, hit.relevance) for hit in search(DATASET, RANKED, padded)]
    assert found and found == [(hit.row, hit.relevance) for hit in search(DATASET, RANKED, plain)]


def test_a_rare_word_counts_for_more_of_the_query_than_common_ones() -> None:
    """Whether a hit rests on enough of the query weighs each word by its rarity: "confident" (one mechanism) says
    more of what is meant than "feel", "things" and "hurts" (several each)."""
    assert ids("I don't feel confident I can do things when my back hurts")[:1] == ["pain-self-efficacy"]


def test_a_long_sentence_whose_words_each_match_a_little_still_finds_its_answer() -> None:
    """No hit rests on enough of "exercise gives me a natural high on long drives" (its words are spread over
    everyday phrases, or the data does not hold them); a hit matching two of its words is shown as a last resort,
    never one matching a single word ("car insurance renewal" still finds nothing)."""
    assert ids("exercise gives me a natural high on long drives")[:1] == ["endorphins"]
    assert ids("car insurance renewal") == []
