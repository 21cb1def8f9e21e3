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
    ("Peru's army is now said to be rolling out facial recognition cameras in Lima.", "alleged"),
    ("Lima's police set up 300 CCTV cameras, according to the two people, who asked not to be named.", "alleged"),
    ("The first use of facial recognition cameras in Lima is scheduled for the Pan American Games.", "planned"),
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


def test_a_capability_in_the_future_tense_takes_the_status_of_its_system():
    text = ("Police in Quito installed 600 CCTV cameras with licence plate readers last year. "
            "Officials said the licence plate readers will flag stolen cars.")
    assert status_of(text, "license_plate_recognition") == {"deployed"}


def test_a_plan_to_put_up_cameras_is_planned_not_deployed():
    text = "The government of Ghana plans to put up 2,000 CCTV cameras along the main highways."
    assert status_of(text, "video_surveillance") == {"planned"}


def test_a_proposal_that_it_be_used_is_no_deployment():
    text = "A new decree in Hungary proposes that facial recognition be used to identify protesters."
    assert status_of(text, "facial_recognition") == {"planned"}


def test_a_shelved_plan_is_halted():
    text = "Chile's government decided to shelve plans for a biometric identity card."
    assert status_of(text, "digital_id") == {"halted"}


def test_a_system_in_use_as_a_trial_is_a_trial():
    text = "Police in Ottawa admitted that facial recognition had been in use by two units as a trial."
    assert status_of(text, "facial_recognition") == {"trial"}


def test_a_trial_and_a_later_plan_in_two_clauses_keep_their_own_status():
    text = ("Busan airport has been running, as a trial, four gates that use facial recognition, "
            "and 20 more CCTV cameras are to be installed this year.")
    assert status_of(text, "facial_recognition") == {"trial"}
    assert status_of(text, "video_surveillance") == {"planned"}


def test_an_inverted_conditional_states_nothing():
    text = "Had the CCTV cameras in Osaka spotted the suspect, guards would have stopped him."
    assert extract(text) == []


def test_a_heading_that_is_only_a_term_states_nothing():
    assert extract("Facial recognition") == []


def test_researchers_who_built_a_system_are_developing_it():
    text = ("Researchers at Kim Chaek University of Technology in North Korea built a neural network "
            "for a system that recognises licence plates in real time.")
    assert status_of(text, "license_plate_recognition") == {"development"}


def test_a_missing_space_after_a_full_stop_still_ends_the_sentence():
    text = ("The Oslo council will install 40 CCTV cameras next spring.Facial recognition was "
            "switched off by Oslo police in 2021.")
    assert status_of(text, "video_surveillance") == {"planned"}
    assert status_of(text, "facial_recognition") == {"halted"}


def test_a_planned_trial_run_is_a_trial():
    text = "Police in Mombasa will put up 15 CCTV cameras next month, serving as a trial run of a new programme."
    assert status_of(text, "video_surveillance") == {"trial"}


def test_taking_cameras_out_of_buildings_is_halted():
    text = "In Australia, the health department of Victoria is taking every Hikvision CCTV camera out of its hospitals."
    assert status_of(text, "video_surveillance") == {"halted"}


def test_the_backstory_of_a_halted_system_is_halted():
    text = ("Dublin City Council is to stop using CCTV cameras made by Hikvision. "
            "The council had put up the Hikvision CCTV cameras in 2018.")
    assert status_of(text, "video_surveillance") == {"halted"}


def test_a_past_perfect_installation_alone_is_still_deployed():
    text = "Dublin City Council had put up 40 CCTV cameras on OConnell Street in 2018."
    assert status_of(text, "video_surveillance") == {"deployed"}


def test_a_hedge_covers_its_sentence_not_what_the_text_states_plainly():
    text = ("Mongolia's police reportedly bought Chinese CCTV cameras for Ulaanbaatar. "
            "Over 300 of the CCTV cameras do not record at night, police say.")
    assert status_of(text, "video_surveillance") == {"alleged", "deployed"}
