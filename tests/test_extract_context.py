"""The user country comes from the sentence, a city or agency, or the context."""
from custodes import extract


def found(text):
    return {(c.country, c.technology, c.vendor, c.supplier_country) for c in extract(text)}


def test_country_carried_from_the_previous_sentence():
    text = ("North Korea is putting surveillance cameras in schools and factories. "
            "The cameras are mostly sourced from Chinese vendors.")
    claims = extract(text)
    assert {c.country for c in claims} == {"KP"}
    assert any(c.supplier_country == "CN" for c in claims)


def test_city_implies_its_country():
    assert {c.country for c in extract("Police in Hebron placed CCTV cameras on rooftops.")} == {"PS"}
    assert {c.country for c in extract("Belgrade police switched on 1,000 CCTV cameras.")} == {"RS"}


def test_agency_implies_its_country():
    claims = extract("The Met deployed live facial recognition cameras in Croydon on Saturday.")
    assert {c.country for c in claims} == {"GB"}


def test_supplier_origin_is_kept_apart_from_the_user():
    claims = extract("Uganda's police installed Chinese-made CCTV cameras in Kampala.")
    assert {(c.country, c.supplier_country) for c in claims} == {("UG", "CN")}


def test_imported_from_gives_origin():
    claims = extract("Ecuador's police use drones imported from Israel to watch the coast.")
    assert ("EC", "IL") in {(c.country, c.supplier_country) for c in claims}


def test_named_vendor_brings_its_home_country():
    claims = extract("Huawei installed 1,800 CCTV cameras for the police in Nairobi.")
    assert ("KE", "video_surveillance", "Huawei", "CN") in found(
        "Huawei installed 1,800 CCTV cameras for the police in Nairobi.")
    assert claims


def test_spyware_product_implies_its_maker():
    claims = extract("Mexico's army used Pegasus against a human rights lawyer in 2020.")
    assert ("MX", "device_surveillance", "NSO Group", "IL") in found(
        "Mexico's army used Pegasus against a human rights lawyer in 2020.")
    assert claims


def test_local_integrator_counts_as_vendor():
    text = ("Zambia's police signed a contract for 500 CCTV cameras. "
            "Kalumba Systems, a local company, won the tender to install the CCTV cameras in Lusaka.")
    vendors = {(c.vendor, c.supplier_country) for c in extract(text) if c.vendor}
    assert ("Kalumba Systems", "ZM") in vendors


def test_exporter_is_not_a_user():
    assert extract("China exports CCTV cameras and facial recognition to dozens of countries.") == []


def test_several_user_countries_in_a_list():
    claims = extract("Airports in Australia, New Zealand and Portugal already use facial recognition gates.")
    assert {"AU", "NZ", "PT"} <= {c.country for c in claims}


def test_one_claim_per_key_with_merged_settings():
    text = ("Police in Quito installed CCTV cameras in schools. "
            "Police in Quito also installed CCTV cameras in hospitals.")
    claims = [c for c in extract(text) if c.technology == "video_surveillance"]
    assert len(claims) == 1
    assert {"schools", "hospitals"} <= set(claims[0].settings)
    assert len(claims[0].evidence) == 2


def test_country_from_the_url_when_the_text_names_none():
    text = "The town council approved licence plate reader cameras for the police department."
    claims = extract(text, url="https://news.example.com/dallas-fort-worth/government/plate-readers/")
    assert {c.country for c in claims} == {"US"}
    assert extract(text) == []


def test_a_product_name_used_for_something_else_names_no_vendor():
    claims = extract("US border agents fly MQ-9 Predator B drones, built by General Atomics, along the border.")
    assert "Intellexa" not in {c.vendor for c in claims}
    assert ("US", "drones", "General Atomics") in {(c.country, c.technology, c.vendor) for c in claims}


def test_a_list_of_demonyms_before_companies_gives_each_origin():
    text = "Rwanda's government targeted exiles with spyware that British, German and Italian companies developed."
    origins = {c.supplier_country for c in extract(text) if c.technology == "device_surveillance"}
    assert {"GB", "DE", "IT"} <= origins


def test_a_shouted_dateline_names_the_country():
    text = ("LIMA — The city's police switched on 300 CCTV cameras on Monday. "
            "The cameras cover the historic centre.")
    assert {c.country for c in extract(text)} == {"PE"}


def test_a_sentence_about_the_system_just_named_adds_its_places():
    text = ("Accra will install 3,000 CCTV cameras by 2026, the interior ministry said. "
            "They will be placed in markets, schools and along the main roads.")
    (claim,) = [c for c in extract(text) if c.technology == "video_surveillance"]
    assert {"schools", "streets"} <= set(claim.settings)


def test_a_pronoun_in_another_paragraph_adds_nothing():
    text = ("Accra will install 3,000 CCTV cameras by 2026, the interior ministry said.\n\n"
            "They will also build new schools in Kumasi.")
    (claim,) = [c for c in extract(text) if c.technology == "video_surveillance"]
    assert "schools" not in claim.settings


def test_cameras_against_irregular_migration_are_border_surveillance():
    text = "Spain's government will roll out anti-migration measures in Ceuta, among them cameras and radar."
    assert "border_surveillance" in {c.technology for c in extract(text)}


def test_a_neighbour_named_as_the_end_of_a_border_is_not_a_user():
    text = ("Greek police said the new border system with thermal cameras will cover the whole border, "
            "from the Evros delta as far as the Bulgarian border.")
    assert {c.country for c in extract(text)} == {"GR"}


def test_a_later_clause_that_takes_the_system_up_adds_its_country():
    text = ("Airports in Japan already use facial recognition at boarding, and Vietnam is in the "
            "process of installing it.")
    found = {(c.country, c.technology, c.status) for c in extract(text)}
    assert ("JP", "facial_recognition", "deployed") in found
    assert ("VN", "facial_recognition", "planned") in found


def test_a_later_clause_with_its_own_subject_pronoun_adds_nothing():
    text = "Police in Japan already use facial recognition at stations, and Vietnam said it was concerned."
    assert {c.country for c in extract(text)} == {"JP"}


def test_the_system_at_the_top_of_the_next_paragraph_adds_its_places():
    text = ("Rio police will test facial recognition cameras during Carnival.\n\n"
            "The system is due to go live in March in Copacabana, near the beaches and the metro.")
    settings = {s for c in extract(text) if c.technology == "facial_recognition" for s in c.settings}
    assert {"stadiums_events", "public_transport"} <= settings


def test_public_gatherings_and_industrial_sites_are_settings():
    text = "Tanzania will mount 6,500 CCTV cameras at industrial sites, businesses and public gatherings."
    (claim,) = extract(text)
    assert {"workplaces", "stadiums_events"} <= set(claim.settings)


def test_a_stretch_of_land_from_one_place_to_another_is_no_origin():
    text = ("Greek police installed thermal cameras along the border fence, from the Evros delta as far "
            "as the Bulgarian border.")
    assert {c.supplier_country for c in extract(text)} == {None}


def test_a_legal_name_carries_the_home_country_through_its_acronym():
    text = ("Manila's interior ministry signed a deal with China International Telecommunications and "
            "Construction Corp. (CITCC) for 12,000 CCTV cameras.")
    assert {(c.vendor, c.supplier_country) for c in extract(text)} == {("CITCC", "CN")}


def test_what_the_same_cameras_add_is_where_the_cameras_are():
    text = ("The city of Accra will put up 2,000 CCTV cameras at road junctions and bus stations this year.\n"
            "The cameras will also carry licence plate recognition.")
    claims = {c.technology: c for c in extract(text)}
    assert set(claims) == {"video_surveillance", "license_plate_recognition"}
    assert {"streets", "public_transport"} <= set(claims["license_plate_recognition"].settings)
    # a sentence about something else does not inherit the places
    other = extract("The city of Accra will put up 2,000 CCTV cameras at road junctions this year.\n"
                    "Separately, the interior ministry is buying spyware from an Israeli firm.")
    spyware = [c for c in other if c.technology == "device_surveillance"]
    assert spyware and spyware[0].settings == []
