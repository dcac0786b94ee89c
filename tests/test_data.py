"""The bundled data agrees exactly with the facts sheet (shared/reference/wun2021-facts.md)."""

from __future__ import annotations

from importlib import metadata
from importlib.resources import files

import pytest

from clbp_cli.core.loading import load_dataset
from clbp_cli.core.ranking import rank_mechanisms, summarise_themes

# Table 2 of the review, as the facts sheet gives it: name, count, theme. Published order.
TABLE_2 = [
    ("Muscle strength", 30, "neuromuscular"),
    ("Motor control", 21, "neuromuscular"),
    ("Muscle endurance", 18, "neuromuscular"),
    ("Fear-avoidance", 15, "psychosocial"),
    ("Pain self-efficacy", 14, "psychosocial"),
    ("Mood", 12, "psychosocial"),
    ("Flexibility", 11, "neuromuscular"),
    ("Endorphins", 11, "neurophysiological"),
    ("Kinesiophobia", 10, "psychosocial"),
    ("Aerobic fitness", 9, "cardiometabolic"),
    ("Stabilization", 9, "neuromuscular"),
    ("Pain tolerance", 8, "psychosocial"),
    ("Disability perception", 7, "psychosocial"),
    ("Mastery", 6, "psychosocial"),
    ("Biomechanics", 6, "neuromuscular"),
    ("Blood flow", 6, "tissue-healing"),
    ("Social support", 5, "psychosocial"),
    ("Proprioception", 5, "neuromuscular"),
    ("Catastrophizing", 4, "psychosocial"),
    ("Body composition", 4, "cardiometabolic"),
    ("Descending inhibition", 4, "neurophysiological"),
    ("Stress response", 4, "neurophysiological"),
    ("Inflammation", 3, "tissue-healing"),
    ("Gate control", 3, "neurophysiological"),
    ("Coping strategies", 3, "psychosocial"),
    ("Muscle tension", 2, "neuromuscular"),
    ("Postural alignment", 2, "neuromuscular"),
    ("Body weight", 2, "cardiometabolic"),
    ("Bone/ligament", 2, "tissue-healing"),
    ("Mindfulness", 1, "psychosocial"),
    ("Muscle power", 1, "neuromuscular"),
    ("Tissue restoration", 1, "tissue-healing"),
    ("Sleep", 1, "psychosocial"),
]
# Standard competition ranks ("1224") of the rows above.
RANKS = [
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    7,
    9,
    10,
    10,
    12,
    13,
    14,
    14,
    14,
    17,
    17,
    19,
    19,
    19,
    19,
    23,
    23,
    23,
    26,
    26,
    26,
    26,
    30,
    30,
    30,
    30,
]
PUBLISHED_THEMES = {  # id: (name, published total, published %, listed sum)
    "neuromuscular": ("Neuromuscular", 105, 44, 105),
    "psychosocial": ("Psychosocial", 87, 36, 86),
    "neurophysiological": ("Neurophysiological", 22, 9, 22),
    "cardiometabolic": ("Cardiometabolic", 15, 6, 15),
    "tissue-healing": ("Tissue healing", 12, 5, 12),
}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_all_33_mechanisms_names_counts_themes_in_published_order(dataset) -> None:
    assert [(m.name, m.count, m.theme) for m in dataset.mechanisms] == TABLE_2


def test_ranks_are_standard_competition_ranks(dataset) -> None:
    ranked = rank_mechanisms(dataset)
    assert [row.mechanism.name for row in ranked] == [name for name, _, _ in TABLE_2]
    assert [row.rank for row in ranked] == RANKS
    flexibility, endorphins, kinesiophobia = ranked[6], ranked[7], ranked[8]
    assert (flexibility.rank_label, endorphins.rank_label, kinesiophobia.rank_label) == ("=7", "=7", "9")


def test_counts_sum_to_240(dataset) -> None:
    assert sum(m.count for m in dataset.mechanisms) == 240


def test_five_themes_with_published_totals_shares_and_listed_sums(dataset) -> None:
    summaries = summarise_themes(dataset)
    found = {
        s.theme.id: (s.theme.name, s.theme.published_total, round(s.published_share * 100), s.listed_total)
        for s in summaries
    }
    assert found == PUBLISHED_THEMES
    assert [s.theme.id for s in summaries] == list(PUBLISHED_THEMES)
    assert sum(s.theme.published_total for s in summaries) == dataset.study.published_proposals == 241


def test_only_psychosocial_differs_and_the_provenance_says_so(dataset) -> None:
    differing = [s.theme.id for s in summarise_themes(dataset) if s.discrepancy]
    assert differing == ["psychosocial"]
    # The sums are worked out from the data (core.views), never written in its text.
    assert "86" not in dataset.theme_provenance and "87" not in dataset.theme_provenance
    assert "clbp's reconstruction, not the review's" in dataset.theme_provenance
    assert "Endorphins 11 + Pain tolerance 8 + Gate control 3 also make the neurophysiological 22" in (
        dataset.theme_provenance
    )


def test_study_numbers(dataset) -> None:
    study = dataset.study
    assert (study.studies_identified, study.trials_included, study.trials_without_mechanism) == (186, 110, 36)
    assert (study.first_trial_year, study.last_trial_year) == (1989, 2019)
    assert "July 2019" in study.design and "PEDro" in study.design


def test_citation_metadata(dataset) -> None:
    source = dataset.source
    assert [(a.given, a.family) for a in source.authors] == [
        ("Annika", "Wun"), ("Paul", "Kollias"), ("Harry", "Jeong"), ("Rodrigo R. N.", "Rizzo"),
        ("Aidan G.", "Cashin"), ("Matthew K.", "Bagg"), ("James H.", "McAuley"), ("Matthew D.", "Jones"),
    ]  # fmt: skip
    assert source.title == (
        "Why is exercise prescribed for people with chronic low back pain? A review of the mechanisms of benefit "
        "proposed by clinical trialists"
    )
    assert (source.journal, source.journal_abbreviation) == (
        "Musculoskeletal Science and Practice",
        "Musculoskelet Sci Pract",
    )
    assert (source.year, source.volume, source.article_number) == (2021, "51", "102307")
    assert (source.doi, source.pmid, source.issn, source.first_online) == (
        "10.1016/j.msksp.2020.102307", "33254007", "2468-7812", "2020-11-24",
    )  # fmt: skip


def test_theme_quotations_are_the_reviews(dataset) -> None:
    quotes = {theme.id: " ".join(theme.quotes) for theme in dataset.themes}
    assert quotes["neuromuscular"].startswith("Effective in decreasing the incidence and duration")
    assert quotes["psychosocial"] == (
        "Reductions in fear, avoidance, anxiety, emotional distress, and perceived pain and disability and self-efficacy."
    )
    assert dataset.theme_by_id("neurophysiological").quotes == (
        "By influencing the dysfunctional descending pain inhibitory mechanism",
        "the release of pain-relieving neuropeptides (endorphin and serotonin).",
    )
    assert quotes["cardiometabolic"].startswith("Improvement in the aerobic capacity")
    assert quotes["tissue-healing"].startswith("Blood flow and nutrients which accelerate")


# Aliases are synonyms only; these constructs have no other name that means the same thing.
# Proprioception: position sense and kinesthesia are parts of it, not other names for it.
# Stress response and Mindfulness: stress reactivity and present-moment awareness are aspects, not other names.
NO_SYNONYM = {
    "Endorphins",  # beta-endorphin is one endorphin, a narrower word: a keyword
    "Pain tolerance",
    "Body composition",
    "Muscle tension",
    "Proprioception",
    "Stress response",
    "Mindfulness",
}


def test_every_mechanism_has_a_plain_description_and_search_words(dataset) -> None:
    for mechanism in dataset.mechanisms:
        sentences = [s for s in mechanism.description.replace("e.g.", "eg").split(". ") if s]
        assert 1 <= len(sentences) <= 4, mechanism.name
        assert mechanism.keywords, mechanism.name
        assert bool(mechanism.aliases) is (mechanism.name not in NO_SYNONYM), mechanism.name


def test_the_installed_package_ships_the_data_file() -> None:
    """Tests run against the installed package: a wheel that forgot data/*.yaml fails here (and everywhere)."""
    assert (files("clbp_cli") / "data" / "wun2021.yaml").is_file()
    installed = [str(path) for path in metadata.files("clbp") or []]
    if any(path.endswith(".py") for path in installed):  # a real (non-editable) install lists its files
        assert "clbp_cli/data/wun2021.yaml" in installed


# ---- what the review says, and no more (issue "Say exactly what the review says") ---------------------------------


def by_name(dataset, name: str):
    (mechanism,) = [m for m in dataset.mechanisms if m.name == name]
    return mechanism


def folded_words(mechanism) -> set[str]:
    """Every search word of a card (not the description), case-folded."""
    measures = [part for m in mechanism.measures for part in (m.name, m.abbreviation) if part]
    kinds = (mechanism.aliases, mechanism.keywords, measures, mechanism.exercises, mechanism.phrases, mechanism.anatomy)
    return {word.casefold() for kind in kinds for word in kind}


def test_every_description_defines_the_construct_and_attributes_nothing_to_trialists(dataset) -> None:
    for mechanism in dataset.mechanisms:
        text = mechanism.description.casefold()
        assert "is thought to" not in text and "are thought to" not in text, mechanism.name
        assert "trialist" not in text and "proposed" not in text and "trials proposed" not in text, mechanism.name
        assert "exercise" not in text, mechanism.name  # a definition of the construct, not a claim about exercise
        assert "you should" not in text and "should" not in text.split(), mechanism.name


def test_theme_descriptions_say_the_changes_are_proposed(dataset) -> None:
    for theme in dataset.themes:
        assert theme.description.startswith("Proposed mechanisms in "), theme.id


def test_the_finding_keeps_the_abstracts_hedges(dataset) -> None:
    finding = dataset.study.finding
    assert "seldom examined" in finding and "seldom tested" in finding
    assert "randomised trials" in finding and "mediating effects may be warranted" in finding


def test_serotonin_is_not_called_a_neuropeptide(dataset) -> None:
    for mechanism in dataset.mechanisms:
        for sentence in mechanism.description.split(". "):
            assert not ("serotonin" in sentence and "neuropeptide" in sentence), mechanism.name
    endorphins = by_name(dataset, "Endorphins").description
    assert "monoamine serotonin" in endorphins and "neuropeptides" in endorphins


def test_nociceptive_signals_not_pain_signals(dataset) -> None:
    for mechanism in dataset.mechanisms:
        assert "pain signals" not in mechanism.description, mechanism.name
    for name in ("Descending inhibition", "Gate control"):
        assert (
            "nociceptive signals (nerve signals of actual or potential tissue damage)"
            in by_name(dataset, name).description
        ), name
        assert "danger" not in by_name(dataset, name).description, name
    assert "pain signals" not in " ".join(theme.description for theme in dataset.themes)
    inflammation = by_name(dataset, "Inflammation").description
    assert "sensitize the nerve endings that respond to noxious stimuli (nociceptors)" in inflammation
    assert "danger" not in " ".join(theme.description for theme in dataset.themes)


def test_known_slips_in_descriptions_are_gone(dataset) -> None:
    for mechanism in dataset.mechanisms:  # guesses at what trialists saw or presumed are gone with the attributions
        assert "they saw" not in mechanism.description and "presumed" not in mechanism.description, mechanism.name
    catastrophizing = by_name(dataset, "Catastrophizing").description
    assert catastrophizing.startswith("A tendency to ") and "habit" not in catastrophizing
    assert "Stabilisation" not in by_name(dataset, "Stabilization").description


def test_pain_threshold_is_related_to_pain_tolerance_not_a_synonym(dataset) -> None:
    tolerance = by_name(dataset, "Pain tolerance")
    assert "pain threshold" not in {alias.casefold() for alias in tolerance.aliases}
    assert "pain threshold" in tolerance.keywords
    assert "It differs from pain threshold" in tolerance.description


def test_conditioned_pain_modulation_is_a_measure_of_descending_inhibition(dataset) -> None:
    inhibition = by_name(dataset, "Descending inhibition")
    assert ("conditioned pain modulation", "CPM") in [(m.name, m.abbreviation) for m in inhibition.measures]
    for mechanism in dataset.mechanisms:
        assert "conditioned pain modulation" not in {a.casefold() for a in mechanism.aliases}, mechanism.name


def test_fear_of_pain_and_pain_related_fear_reach_fear_avoidance(dataset) -> None:
    words = folded_words(by_name(dataset, "Fear-avoidance"))
    assert {"fear of pain", "pain-related fear"} <= words


def test_words_that_sent_users_to_the_wrong_card_are_gone(dataset) -> None:
    assert "body awareness" not in folded_words(by_name(dataset, "Proprioception"))
    assert "body awareness" in folded_words(by_name(dataset, "Mindfulness"))
    gate = by_name(dataset, "Gate control")
    gate_text = " ".join([*folded_words(gate), gate.description.casefold()])
    assert "wall" not in gate_text.replace("-", " ").replace("'", " ").split()
    assert not any("function" in word for word in folded_words(by_name(dataset, "Disability perception")))
    for mechanism in dataset.mechanisms:  # stamina is aerobic endurance as often as muscle endurance
        assert "stamina" not in {alias.casefold() for alias in mechanism.aliases}, mechanism.name
        assert not any("fatiguab" in word for word in folded_words(mechanism)), mechanism.name
        assert "fatiguab" not in mechanism.description, mechanism.name
    assert "fatigability" in folded_words(by_name(dataset, "Muscle endurance"))
    for name in ("Muscle endurance", "Aerobic fitness"):
        assert "stamina" in by_name(dataset, name).keywords, name
