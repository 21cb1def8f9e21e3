"""Fears, hypotheticals, negations, comparisons, private use and page furniture give no claim."""
import pytest

from custodes import extract


@pytest.mark.parametrize("text", [
    "Critics fear the cameras could be used to track protesters in Lagos one day.",
    "Imagine what a surveillance state with facial recognition might look like in Canada.",
    "Norway's police do not use facial recognition, a spokesperson said.",
    "Unlocking your phone with your face is fast on the new Galaxy, our review in Seoul found.",
    "Could Peru deploy facial recognition at the World Cup?",
    "China exports surveillance technology to countries around the world.",
    "Health officials in Kenya stepped up disease surveillance after the outbreak.",
])
def test_no_claim(text):
    assert extract(text) == []


def test_comparison_country_gets_no_claim():
    claims = extract("Vietnam's police installed CCTV cameras in Hanoi, though not as pervasive as in China.")
    assert "CN" not in {c.country for c in claims}
    assert "VN" in {c.country for c in claims}


def test_related_headlines_are_not_the_article():
    text = ("Police in Accra open a new traffic control room\n"
            "The room opened on Monday to coordinate traffic officers.\n"
            "Related\n"
            "Kenya installs facial recognition cameras at the airport\n"
            "Nigeria plans licence plate readers in Lagos\n")
    assert extract(text) == []


def test_cookie_and_menu_lines_are_dropped():
    text = ("Home\nNews\nWorld\nSport\n"
            "We use cookies to improve your experience. Accept all cookies.\n"
            "Police in Tbilisi installed CCTV cameras in the old town.\n")
    claims = extract(text)
    assert {c.country for c in claims} == {"GE"}
    assert all("cookies" not in e.sentence for c in claims for e in c.evidence)


def test_accuracy_study_is_no_deployment():
    text = ("A federal study in Washington found that face recognition algorithms "
            "had higher false positive rates for some groups.")
    assert extract(text) == []


def test_phone_review_with_many_consumer_words_gives_nothing():
    text = ("We tested the new smartphone in Berlin. Face unlock is quick. "
            "Facial recognition has improved on this phone. Unlocking with your face works in the dark. "
            "The iPhone still unlocks faster.")
    assert extract(text) == []


def test_a_long_line_that_starts_like_a_link_is_still_the_article():
    text = ("Click here for the full article LIMA — Investigators found that Peruvian police "
            "bought IMSI catchers in 2021 and used them during protests in the capital, "
            "according to procurement records reviewed by the newspaper.")
    assert ("PE", "communications_interception") in {(c.country, c.technology) for c in extract(text)}


def test_an_open_possibility_claims_nothing():
    text = "Hong Kong's security chief did not rule out fitting the city's CCTV cameras with face recognition."
    assert {c.technology for c in extract(text)} == set()


def test_an_unanswered_question_claims_nothing():
    text = "The Osaka police paper was silent on whether the new CCTV cameras will come with face recognition."
    assert extract(text) == []


def test_a_study_of_how_well_the_technology_performs_claims_nothing():
    text = "To assess how well facial recognition algorithms perform, the test in Ohio uses police mugshots."
    assert extract(text) == []


def test_how_the_technology_works_in_general_claims_nothing():
    text = "As a rule, facial recognition lets the police in Kenya compare faces with a database."
    assert extract(text) == []


@pytest.mark.parametrize("text", [
    "O deputado alertou para os perigos de usar o reconhecimento facial pela polícia em São Paulo.",
    "Pelo texto, os dados biométricos coletados pela polícia em São Paulo não poderão ser usados sem ordem judicial.",
    "Quando houver uso de reconhecimento facial pela polícia em São Paulo, os dados serão apagados em 30 dias.",
    "The senator in Ohio warned of the dangers of using facial recognition at the state's borders.",
])
def test_fears_denials_and_rules_of_a_bill_in_other_languages_claim_nothing(text):
    assert extract(text) == []


def test_you_can_imagine_is_a_figure_of_speech_not_a_hypothetical():
    # "any crime you can imagine" describes the crimes; the cameras are real
    text = ("Police in Tbilisi say 900 CCTV cameras have been installed across the city to deter theft, assault "
            "and any other crime you can imagine.")
    claims = extract(text)
    assert [(c.country, c.technology, c.status) for c in claims] == [("GE", "video_surveillance", "deployed")]
    assert "streets" in claims[0].settings
    # imagining the system itself is still no claim
    assert extract("Imagine a Tbilisi where every CCTV camera can name the people it films.") == []
