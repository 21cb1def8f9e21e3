"""Each technology of the taxonomy is recognised in the phrasings news uses."""
import pytest

from custodes import extract


def techs(text):
    return {(c.country, c.technology) for c in extract(text)}


@pytest.mark.parametrize("sentence, expected", [
    ("Police in Nairobi have installed 1,800 CCTV cameras on main roads.", "video_surveillance"),
    ("The Kenyan interior ministry said closed-circuit television now covers the port.", "video_surveillance"),
    ("Police in Belgrade use facial-recognition software to search their mugshot files.", "facial_recognition"),
    ("Officers in Delhi scanned faces at the rally with a new face-scanning gate system.", "facial_recognition"),
    ("Police in Singapore deployed video analytics that flag abandoned luggage at stations.", "video_analytics"),
    ("Border guards in Bulgaria collect fingerprints and iris scans from every migrant.", "biometric_collection"),
    ("Kenya's government issued the new national ID card with a chip to every adult.", "digital_id"),
    ("Police in Texas installed automatic licence plate readers on three highways.", "license_plate_recognition"),
    ("Mexican police bought IMSI catchers to intercept calls in the capital.", "communications_interception"),
    ("Mexican officials used Pegasus spyware against two journalists, the report found.", "device_surveillance"),
    ("Police in Chennai set up a cell to monitor social media posts about the protest.", "social_media_monitoring"),
    ("Courts in Peru ordered released suspects to wear GPS ankle monitors.", "location_tracking"),
    ("Greece installed surveillance towers with thermal imaging along its border fence.", "border_surveillance"),
    ("Huawei built a safe city command centre for police in Islamabad.", "smart_city_platform"),
    ("Police in Chicago rely on a predictive policing platform that scores city blocks.", "predictive_policing"),
    ("Police in Santiago now patrol the city with surveillance drones.", "drones"),
    ("The city of Oakland installed ShotSpotter gunshot detection sensors downtown.", "gunshot_detection"),
    ("Every officer in Cape Town will wear a body-worn camera from next month.", "body_worn_cameras"),
])
def test_each_technology(sentence, expected):
    assert expected in {t for _, t in techs(sentence)}


def test_camera_that_recognises_faces_is_two_claims():
    found = techs("Police in Moscow put up facial recognition cameras at metro stations.")
    assert ("RU", "video_surveillance") in found and ("RU", "facial_recognition") in found


def test_face_recognition_without_camera_is_one_claim():
    found = techs("Police in Toronto searched a face recognition database of booking photos.")
    assert ("CA", "facial_recognition") in found
    assert ("CA", "video_surveillance") not in found


def test_border_cameras_are_border_surveillance():
    claims = extract("Hungary mounted border cameras and motion sensors along the fence with Serbia.")
    found = {(c.country, c.technology) for c in claims}
    assert ("HU", "border_surveillance") in found
    assert all("border" in c.settings for c in claims if c.technology == "border_surveillance")


def test_weak_term_needs_a_state_or_surveillance_context():
    assert extract("Paris was sunny; she packed a camera and two lenses for the trip to Lyon.") == []


def test_plural_and_hyphen_forms():
    assert techs("Police in Lagos tested licence-plate readers and face-recognition cameras.")


def test_evidence_points_at_the_sentence():
    text = "Weather was calm. Police in Nairobi installed CCTV cameras on Moi Avenue. Rain fell."
    claim = next(c for c in extract(text) if c.technology == "video_surveillance")
    ev = claim.evidence[0]
    assert text[ev.start:ev.end] == ev.sentence
    assert "CCTV" in ev.matched or "CCTV cameras" in ev.matched
    assert 0 < claim.confidence <= 1


def test_thermal_cameras_are_border_surveillance_only_at_a_border():
    inland = {c.technology for c in extract("Police drones with thermal cameras patrolled the streets of Chennai.")}
    assert "border_surveillance" not in inland
    border = {c.technology for c in extract("Greek border guards use thermal cameras along the border with Turkey.")}
    assert "border_surveillance" in border


def test_crowd_analytics_and_behaviour_patterns_are_video_analytics():
    assert "video_analytics" in {c.technology for c in extract(
        "Singapore's government said the lamppost cameras would carry out crowd analytics.")}
    assert "video_analytics" in {c.technology for c in extract(
        "Police cameras in Rabat will analyse patterns of behaviour as they happen.")}


def test_plate_reader_cameras_are_plate_readers_only():
    claims = extract("Police in Denver will add 40 license plate reader cameras on major roads.")
    assert {c.technology for c in claims} == {"license_plate_recognition"}


def test_the_cameras_of_an_article_about_plate_readers_are_those_plate_readers():
    text = ("The Denver police department installed automatic license plate readers at 40 intersections. "
            "The cameras logged 2 million plates in their first month, police said.")
    assert {c.technology for c in extract(text)} == {"license_plate_recognition"}


def test_the_cameras_of_an_article_about_cctv_stay_video_surveillance():
    text = ("The Denver police department installed CCTV and licence plate readers downtown. "
            "The cameras record around the clock, police said.")
    assert {"video_surveillance", "license_plate_recognition"} <= {c.technology for c in extract(text)}
