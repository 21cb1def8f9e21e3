"""Status follows the text's own words (taxonomy.md)."""
import pytest

from custodes import extract


def status_of(text, technology):
    return {c.status for c in extract(text) if c.technology == technology}


@pytest.mark.parametrize("sentence, expected", [
    ("Police in Lima installed 900 CCTV cameras last year.", "deployed"),
    ("The city of Lima plans to install 900 CCTV cameras next year.", "planned"),
    ("Lima's council opened a tender for 900 CCTV cameras.", "planned"),
    ("Police in Lima began a three-month pilot of facial recognition at the main station.", "trial"),
    ("A court in Lima ruled the police use of facial recognition unlawful.", "halted"),
    ("Peru suspended its facial recognition programme after the audit.", "halted"),
    ("Peru's police reportedly bought spyware from an Israeli firm.", "alleged"),
    ("Peru is believed to operate IMSI catchers in the capital.", "alleged"),
    ("Researchers at Peru's national university are developing a facial recognition system for the police.", "development"),
])
def test_status_cues(sentence, expected):
    techs = {c.technology for c in extract(sentence)}
    assert techs, sentence
    assert expected in {c.status for c in extract(sentence)}


def test_unmarked_mention_takes_the_stated_status():
    text = ("Rabat plans to install 4,000 new CCTV cameras by 2026. "
            "The CCTV cameras will be linked to a control room run by the police.")
    assert status_of(text, "video_surveillance") == {"planned"}


def test_to_be_installed_is_not_deployed():
    assert status_of("In Bishkek, 200 CCTV cameras are to be installed by the police.", "video_surveillance") == {"planned"}


def test_attribution_to_an_outlet_is_not_a_hedge():
    text = "Police in Seoul installed 300 CCTV cameras in parks, the newspaper reported."
    assert status_of(text, "video_surveillance") == {"deployed"}


def test_future_tense_is_planned():
    text = "Police in Lahore said the new CCTV cameras will carry licence plate readers."
    assert status_of(text, "license_plate_recognition") == {"planned"}
