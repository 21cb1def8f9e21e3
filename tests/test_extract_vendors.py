"""Who supplies what: vendors credited across an article, local contractors, clause by clause."""
from custodes import extract


def vendors_by_technology(text):
    out: dict[str, set] = {}
    for c in extract(text):
        out.setdefault(c.technology, set()).add(c.vendor)
    return out


def test_a_contractor_named_in_a_paragraph_without_technology_supplies_the_system():
    text = ("Lusaka will install 900 CCTV cameras with licence plate readers on its main roads "
            "by next year, the city council said.\n\n"
            "The contract for the installation was awarded to Kafue Orbit Networks Ltd, a firm "
            "registered in Ndola.")
    found = vendors_by_technology(text)
    assert found["video_surveillance"] == {"Kafue Orbit Networks Ltd"}
    assert found["license_plate_recognition"] == {"Kafue Orbit Networks Ltd"}


def test_a_known_vendor_is_credited_only_for_what_it_is_known_to_supply():
    text = ("Kenya's interior ministry rolled out new biometric voter registration kits in March. "
            "Police in Nairobi also installed 300 CCTV cameras downtown.\n\n"
            "Hikvision supplied the equipment, officials said.")
    found = vendors_by_technology(text)
    assert found["video_surveillance"] == {"Hikvision"}
    assert found["biometric_collection"] == {None}


def test_no_credit_when_the_text_names_another_company_for_that_technology():
    text = ("Quito's police switched on 400 CCTV cameras supplied by Dahua in the old town. "
            "More CCTV cameras went up near the airport in May.\n\n"
            "The control room software was built by Andes Vision Systems.")
    found = vendors_by_technology(text)
    assert "Dahua" in found["video_surveillance"]
    assert "Andes Vision Systems" not in found["video_surveillance"]


def test_each_clause_keeps_its_own_contractor():
    text = ("Harare's council picked two firms: Mbare Data Solutions secured the contract to build "
            "the command centre, and Zambezi Optics Ltd was chosen to put up the CCTV cameras.")
    claims = extract(text)
    cameras = {c.vendor for c in claims if c.technology == "video_surveillance"}
    assert cameras == {"Zambezi Optics Ltd"}


def test_a_list_of_suppliers_is_not_cut_at_its_last_comma():
    text = ("Ministry documents show the CCTV cameras in Yangon came from Dahua, Huawei, and "
            "Hikvision.")
    assert vendors_by_technology(text)["video_surveillance"] == {"Dahua", "Huawei", "Hikvision"}


def test_a_company_with_and_in_its_legal_name_is_one_company():
    text = ("The Philippine interior ministry signed a loan deal with China International "
            "Telecommunications and Construction Corp. (CITCC) for 12,000 CCTV cameras in Manila.")
    assert vendors_by_technology(text)["video_surveillance"] == {"CITCC"}


def test_a_vendors_sales_around_the_world_claim_nothing_for_the_country():
    text = ("Moscow police now run live facial recognition on 5,000 street cameras, NtechLab said. "
            "The firm also sells its safe city platform in dozens of countries around the world.")
    technologies = {c.technology for c in extract(text)}
    assert "facial_recognition" in technologies
    assert "smart_city_platform" not in technologies


def test_software_built_by_a_company_is_supplied_not_in_development():
    claims = extract("Malaysian police officers wear body cameras that run facial recognition "
                     "software built by the start-up Yitu Technology.")
    assert {c.status for c in claims} == {"deployed"}
    assert "Yitu" in {c.vendor for c in claims}


def test_an_unlisted_contractor_is_local_unless_the_text_says_otherwise():
    claims = extract("Police in Lusaka switched on 900 CCTV cameras installed by Kafue Orbit Networks Ltd.")
    assert {(c.vendor, c.supplier_country) for c in claims} == {("Kafue Orbit Networks Ltd", "ZM")}


def test_a_company_named_after_a_country_comes_from_it():
    claims = extract("Manila signed a deal with China Harbour Surveillance Corp for 5,000 CCTV cameras.")
    assert ("China Harbour Surveillance Corp", "CN") in {(c.vendor, c.supplier_country) for c in claims}


def test_a_contractor_based_in_another_country_comes_from_there():
    claims = extract("Police in Lusaka switched on 900 CCTV cameras installed by Karoo Vision Systems, "
                     "a company based in Johannesburg.")
    assert {c.supplier_country for c in claims if c.vendor == "Karoo Vision Systems"} == {"ZA"}


def test_co_winners_of_a_contract_share_its_claims():
    text = ("Police in Scotland will roll out live facial recognition under a new contract won by NEC. "
            "Besides NEC, the winners were Tayside Data Systems, which supplies servers, and "
            "Clyde Vision Labs, which provides camera software.")
    vendors = {c.vendor for c in extract(text) if c.technology == "facial_recognition"}
    assert {"NEC", "Tayside Data Systems", "Clyde Vision Labs"} <= vendors


def test_companies_in_one_sentence_without_a_shared_contract_are_not_partners():
    text = ("Police in Scotland will roll out live facial recognition supplied by NEC. "
            "Tayside Data Systems, which supplies servers to banks, reported higher profits.")
    vendors = {c.vendor for c in extract(text) if c.technology == "facial_recognition"}
    assert "Tayside Data Systems" not in vendors


def test_a_vendor_credited_only_with_sales_around_the_world_supplies_nothing_here():
    text = ("Police in Nairobi switched on 1,800 CCTV cameras last month. "
            "Hikvision, which has supplied cameras to more than 150 countries, declined to comment.")
    assert {c.vendor for c in extract(text)} == {None}
