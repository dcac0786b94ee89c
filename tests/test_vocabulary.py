"""The words people look mechanisms up by (issue "Search that answers the questions people actually ask").

Each card carries synonyms (aliases), related words (keywords), measures, exercises, everyday phrases and anatomy.
These tests hold the bundled data to what a user sees: the right instrument on the right card, each word once per
card, one spelling per card, and the everyday words landing where they belong.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from clbp_cli.core.loading import load_dataset


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def card(dataset, name: str):
    (mechanism,) = [m for m in dataset.mechanisms if m.name == name]
    return mechanism


def items(mechanism) -> list[str]:
    """Everything listed on the card, name included: each should appear once."""
    measures = [part for m in mechanism.measures for part in (m.name, m.abbreviation) if part]
    return [mechanism.name, *mechanism.aliases, *mechanism.keywords, *measures, *mechanism.exercises,
            *mechanism.phrases, *mechanism.anatomy]  # fmt: skip


_SPELLING = (
    (re.compile(r"(?<=[a-z])is(?=(?:ation|ations|e|es|ed|ing|er|ers)\b)"), "iz"),  # stabilisation, catastrophising
    (re.compile(r"(?<=[a-z])our(?=(?:s|ed|ing|able)?\b)"), "or"),  # behaviour
    (re.compile(r"(?<=[a-z])ae(?=[a-z])"), "e"),  # kinaesthesia
    (re.compile(r"(?<=[a-z])ll(?=(?:ing|ed|er)\b)"), "l"),  # modelling
)


def fold_spelling(text: str) -> str:
    """Case, British/American spelling folded (deliberately independent of clbp's own search folding)."""
    text = text.casefold()
    for pattern, replacement in _SPELLING:
        text = pattern.sub(replacement, text)
    return text


def fold_item(text: str) -> str:
    """fold_spelling, and hyphens, spaces and punctuation ignored: 're-injury' is 'reinjury'."""
    return re.sub(r"[\W_]+", "", fold_spelling(re.sub(r"[\W_]+", " ", text)))


# The standard instrument (name, abbreviation) of each construct the issue names: what a clinician or researcher
# would type to find it.
SPECIFIC_MEASURES = {
    "Kinesiophobia": [("Tampa Scale for Kinesiophobia", "TSK")],
    "Fear-avoidance": [("Fear-Avoidance Beliefs Questionnaire", "FABQ")],
    "Pain self-efficacy": [("Pain Self-Efficacy Questionnaire", "PSEQ")],
    "Catastrophizing": [("Pain Catastrophizing Scale", "PCS")],
    "Mood": [("Hospital Anxiety and Depression Scale", "HADS"), ("Beck Depression Inventory", "BDI")],
    "Sleep": [("Pittsburgh Sleep Quality Index", "PSQI")],
    "Inflammation": [("C-reactive protein", "CRP"), ("interleukin-6", "IL-6")],
    "Muscle endurance": [("Biering-Sorensen test", "")],
    "Descending inhibition": [("conditioned pain modulation", "CPM")],
    "Aerobic fitness": [("maximal oxygen uptake", "VO2max"), ("peak oxygen uptake", "VO2peak")],
    "Body weight": [("body mass index", "BMI")],
    "Body composition": [("dual-energy X-ray absorptiometry", "DXA"), ("bioelectrical impedance analysis", "BIA")],
    "Pain tolerance": [("pressure pain tolerance", ""), ("cold pressor test", "")],
    "Stress response": [("cortisol", "")],
    "Flexibility": [("sit-and-reach test", "")],
    "Proprioception": [("joint repositioning error", "")],
    "Coping strategies": [("Coping Strategies Questionnaire", "CSQ")],
    "Mindfulness": [("Five Facet Mindfulness Questionnaire", "FFMQ"), ("Mindful Attention Awareness Scale", "MAAS")],
    "Social support": [("MOS Social Support Survey", "MOS-SSS")],
    "Muscle power": [("countermovement jump", "CMJ")],  # the standard field test of muscle power (legs, not trunk)
}

# Mechanisms with no measure, and why: better an empty list than a guessed instrument.
WITHOUT_MEASURE = {  # Disability perception has belief measures (B-IPQ, Back Beliefs); disability scores are outcomes
    "Stabilization",  # clinical instability tests diagnose instability; none measures stabilization itself
    "Gate control",  # a theory of spinal processing; no clinical or trial measure of the 'gate'
    "Tissue restoration",  # no widely used measure of repair of back tissues in exercise trials
}


@pytest.mark.parametrize("name", list(SPECIFIC_MEASURES))
def test_each_construct_has_its_standard_measure(dataset, name: str) -> None:
    measures = [(m.name, m.abbreviation) for m in card(dataset, name).measures]
    for expected in SPECIFIC_MEASURES[name]:
        assert expected in measures, (name, expected)


def test_a_questionnaire_is_on_the_card_of_the_construct_it_measures_only(dataset) -> None:
    carried_by = defaultdict(set)
    for mechanism in dataset.mechanisms:
        for measure in mechanism.measures:
            carried_by[measure.abbreviation].add(mechanism.name)
    for name, expected in SPECIFIC_MEASURES.items():
        for _, abbreviation in expected:
            if abbreviation:
                assert carried_by[abbreviation] == {name}, abbreviation
    # Electromyography measures muscle activity: the timing of it (Motor control, EMG) and the amount at rest
    # (Muscle tension, with surface electrodes: sEMG).
    assert (carried_by["EMG"], carried_by["sEMG"]) == ({"Motor control"}, {"Muscle tension"})


def test_disability_questionnaires_measure_the_outcome_not_the_belief(dataset) -> None:
    """The ODI, RMDQ and QBPDS are the trials' usual outcome: no card lists them as a mediator's measure, and
    Disability perception's definition says why without naming them, so that a search for them does not answer
    with the mechanism whose measure they are not."""
    for mechanism in dataset.mechanisms:
        assert not {"ODI", "RMDQ", "QBPDS"} & {m.abbreviation for m in mechanism.measures}, mechanism.name
    perception = card(dataset, "Disability perception")
    assert "Self-report disability questionnaires are the trials' usual outcome" in perception.description
    assert "would measure the outcome twice, so clbp lists none" in perception.description
    for mechanism in dataset.mechanisms:
        words = set(re.findall(r"[a-z]+", " ".join([*items(mechanism), mechanism.description]).casefold()))
        assert not {"odi", "oswestry", "rmdq", "roland", "qbpds", "quebec"} & words, mechanism.name
    assert "self-reported disability" not in perception.aliases


def test_every_mechanism_has_a_measure_except_the_justified_few(dataset) -> None:
    without = {m.name for m in dataset.mechanisms if not m.measures}
    assert without == WITHOUT_MEASURE


def test_abbreviations_are_abbreviations(dataset) -> None:
    for mechanism in dataset.mechanisms:
        for measure in mechanism.measures:
            assert measure.name and measure.name != measure.abbreviation, mechanism.name
            assert " " not in measure.abbreviation, (mechanism.name, measure)


def test_no_word_twice_on_one_card_after_folding_spelling(dataset) -> None:
    for mechanism in dataset.mechanisms:
        seen: dict[str, str] = {}
        for item in items(mechanism):
            key = fold_item(item)
            assert key not in seen, f"{mechanism.name}: {item!r} repeats {seen[key]!r}"
            seen[key] = item


def test_one_spelling_per_card(dataset) -> None:
    """'Stabilisation exercise' under the name 'Stabilization' reads as two words; a card uses one spelling."""
    for mechanism in dataset.mechanisms:
        spellings = defaultdict(set)
        for text in [*items(mechanism), mechanism.description]:
            for word in re.findall(r"[a-z]+", text.casefold()):
                spellings[fold_spelling(word)].add(word)
        mixed = {key: words for key, words in spellings.items() if len(words) > 1}
        assert not mixed, (mechanism.name, mixed)


def test_the_cards_spell_the_american_way_like_the_names(dataset) -> None:
    british = re.compile(
        r"(stabili|catastrophi|sensiti|mobili|realis|recogni|organi|minimi|optimi)s|behaviour|favour|tumour|kinaes"
        r"|fibre|centre|modell|oedema|haem|paed|programme|periaqueductal grey"
    )
    for mechanism in dataset.mechanisms:
        for text in [*items(mechanism), mechanism.description]:
            assert not british.search(text.casefold()), (mechanism.name, text)


def test_no_word_is_spread_over_many_cards(dataset) -> None:
    """A word on many cards makes search noisy: none is on more than two, and each pair is deliberate."""
    cards = defaultdict(set)
    for mechanism in dataset.mechanisms:
        for item in items(mechanism):
            cards[fold_item(item)].add(mechanism.name)
    shared = {word: names for word, names in cards.items() if len(names) > 1}
    assert all(len(names) == 2 for names in shared.values()), shared
    assert set(shared) == {
        "pilates", "transversusabdominis", "multifidus", "stamina", "paraspinalmuscles", "gradedexposure",
        "yoga", "exercizeinducedhypoalgesia", "pituitarygland", "intervertebraldisc",
        "exposuretherapy", "serotonin", "mckenziemethod", "noradrenaline",
    }  # fmt: skip


def test_an_alias_of_one_card_is_no_word_of_another(dataset) -> None:
    """Aliases are synonyms: a synonym of one mechanism cannot also be a word of another."""
    owner = {fold_item(alias): m.name for m in dataset.mechanisms for alias in (m.name, *m.aliases)}
    for mechanism in dataset.mechanisms:
        for item in items(mechanism):
            assert owner.get(fold_item(item), mechanism.name) == mechanism.name, (mechanism.name, item)


# What people say and do, and the card it belongs on (kind, words, mechanism).
EVERYDAY = [
    ("phrases", ["feeling down", "feeling low"], "Mood"),
    ("phrases", ["scared to move"], "Kinesiophobia"),
    ("phrases", ["happy hormones", "runner's high", "natural painkillers"], "Endorphins"),
    ("phrases", ["slouching", "bad posture"], "Postural alignment"),
    ("phrases", ["can't sleep"], "Sleep"),
    ("phrases", ["weak core"], "Muscle strength"),
    ("phrases", ["tight hamstrings"], "Flexibility"),
    ("phrases", ["out of shape"], "Aerobic fitness"),
    ("phrases", ["nobody to help"], "Social support"),
    ("phrases", ["hurt equals harm"], "Fear-avoidance"),
    ("phrases", ["expecting the worst"], "Catastrophizing"),
    ("exercises", ["motor control exercise"], "Motor control"),
    ("exercises", ["stabilization exercise"], "Stabilization"),
    ("exercises", ["graded activity"], "Fear-avoidance"),
    ("keywords", ["graded exposure", "exposure in vivo", "exposure therapy"], "Kinesiophobia"),
    ("keywords", ["graded exposure", "exposure therapy"], "Fear-avoidance"),
    ("exercises", ["aerobic exercise", "walking", "cycling"], "Aerobic fitness"),
    ("exercises", ["resistance training"], "Muscle strength"),
    ("exercises", ["stretching", "yoga"], "Flexibility"),
    ("exercises", ["yoga", "tai chi"], "Mindfulness"),
    ("exercises", ["balance training"], "Proprioception"),
    ("exercises", ["group exercise"], "Social support"),
    ("anatomy", ["multifidus", "transversus abdominis"], "Motor control"),
    ("anatomy", ["erector spinae"], "Muscle strength"),
    ("anatomy", ["hamstrings"], "Flexibility"),
    ("anatomy", ["nociceptors"], "Inflammation"),
    ("anatomy", ["dorsal horn"], "Gate control"),
    ("anatomy", ["intervertebral disc"], "Tissue restoration"),
    ("phrases", ["tight back"], "Muscle tension"),
    ("phrases", ["depressed", "anxious", "miserable"], "Mood"),
    ("phrases", ["feel useless", "like an invalid"], "Disability perception"),
    ("phrases", ["can't stand for long"], "Muscle endurance"),
    ("phrases", ["can't sit for long"], "Postural alignment"),  # sitting intolerance: sustained postures
    ("phrases", ["worried about hurting it again"], "Kinesiophobia"),
    ("phrases", ["lying awake"], "Sleep"),
    ("phrases", ["afraid of moving"], "Kinesiophobia"),
    ("keywords", ["hyperlordosis", "swayback"], "Postural alignment"),
    ("keywords", ["hypertonicity"], "Muscle tension"),
    ("keywords", ["healing", "collagen synthesis"], "Tissue restoration"),
    ("exercises", ["bird dog", "dead bug"], "Stabilization"),
]


@pytest.mark.parametrize(("kind", "words", "name"), EVERYDAY)
def test_everyday_words_are_on_the_card_they_belong_to(dataset, kind: str, words: list[str], name: str) -> None:
    listed = getattr(card(dataset, name), kind)
    for word in words:
        assert word in listed, (name, kind, word)


def test_pilates_is_linked_to_motor_control_and_stabilization_only(dataset) -> None:
    assert {m.name for m in dataset.mechanisms if "pilates" in m.exercises} == {"Motor control", "Stabilization"}


def test_the_vocabulary_is_rich_enough_to_search(dataset) -> None:
    """Every card has related words and at least one everyday phrase; the kinds are each well filled overall."""
    for mechanism in dataset.mechanisms:
        assert mechanism.keywords and mechanism.phrases, mechanism.name
    totals = {
        kind: sum(len(getattr(m, kind)) for m in dataset.mechanisms)
        for kind in ("measures", "exercises", "phrases", "anatomy")
    }
    assert all(total >= 40 for total in totals.values()), totals


@pytest.mark.parametrize("query", ["ODI", "Oswestry", "RMDQ", "Roland-Morris", "QBPDS"])
def test_a_disability_questionnaire_does_not_answer_disability_perception(clbp, query: str) -> None:
    """The questionnaires are the trials' outcome, not a measure of the belief: no card carries them, so a search for
    one does not send the user to Disability perception as if it measured it."""
    result = clbp("search", query, "--format", "json")
    assert "disability-perception" not in result.out
    assert result.code in (0, 1), result.err


def test_no_name_or_alias_is_made_only_of_the_subjects_words(dataset) -> None:
    """The subject's words (`subject.words`) score nothing in search, folded and stemmed as search does it: a name
    or synonym made only of them could not be found by its own words. 'controlled' would fold onto 'control' and
    hide Motor control, so the subject's words stay clear of every name's and alias's words but the subject's own
    ('pain' in Pain tolerance, 'lumbar' in lumbar stability)."""
    from clbp_cli.core.search import STOPWORDS, fold, stem, subject_stems

    subject = subject_stems(dataset)
    for mechanism in dataset.mechanisms:
        for value in (mechanism.name, *mechanism.aliases):
            words = [stem(word) for word in fold(value).split() if word not in STOPWORDS]
            assert set(words) - subject, (mechanism.name, value)
    names = {stem(word) for m in dataset.mechanisms for word in fold(m.name).split()}
    assert names & subject == {"pain"}


@pytest.mark.parametrize(
    "query",
    ["non-specific LBP", "is exercise good for a bad back", "exercise for backache", "rehab for back problems",
     "randomized trials of exercise"],
)  # fmt: skip
def test_other_names_of_the_reviews_subject_ask_about_the_whole_review(clbp, query: str) -> None:
    """'Non-specific', 'a bad back', 'backache', 'back problems' name the condition the review is about, and
    'rehab', 'trials' its intervention and design: no mechanism is meant, so search finds none and says why."""
    for args in [("search", query), ("search", query, "--format", "json")]:
        result = clbp(*args)
        assert result.code == 1 and result.out.strip() in ("", "[]"), result.out
        assert "names what the whole review is about" in result.err


# Patients' own sentences, and the mechanism they are about (clbp's association, not the trials'). Ordinary words of
# a sentence ("all the time", "feel") must not outweigh its one telling word.
SENTENCES = [
    ("I feel down and low all the time", "mood"),
    ("my back feels tight all the time", "muscle-tension"),
    ("my back gets tired when I stand for a long time", "muscle-endurance"),
    ("I feel useless because of my back", "disability-perception"),
    ("I'm depressed about my back", "mood"),
    ("I'm worried I'll hurt my back again", "kinesiophobia"),
    ("I lie awake at night with the pain", "sleep"),
    ("I can't fall asleep at night", "sleep"),
    ("I rest when it hurts", "coping-strategies"),  # not Tissue restoration, whose name starts with 'rest'
    ("my muscles aren't firing", "motor-control"),
]


@pytest.mark.parametrize(("sentence", "mechanism"), SENTENCES)
def test_a_patients_sentence_finds_its_mechanism_first(clbp, sentence: str, mechanism: str) -> None:
    result = clbp("search", sentence, "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)[0]["id"] == mechanism
