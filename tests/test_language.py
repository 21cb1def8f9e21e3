"""Language detection: English by its function words, other languages by py3langid."""
from custodes.ingest.lang import detect_language as document_language
from custodes.language import classify, looks_english


def test_english_news_is_recognised_by_its_function_words():
    text = ("The interior ministry said on Tuesday that it has installed 400 cameras with face "
            "recognition on the main roads of the capital, and that more are planned for the port.")
    assert looks_english(text) is True
    assert classify(text) == "en"


def test_english_with_accented_names_is_still_english():
    text = ("Officials in São Paulo and Bogotá said the contract with the Korean supplier is worth "
            "$12m and that the first phase of the network was finished in March.")
    assert looks_english(text) is True
    assert classify(text) == "en"


def test_other_languages_go_to_the_language_model():
    spanish = ("La policía de Madrid instaló cámaras de reconocimiento facial en las calles "
               "principales de la ciudad durante el verano, según el ayuntamiento.")
    french = ("Le gouvernement a annoncé mardi l'installation de caméras de surveillance dans les "
              "gares et les aéroports du pays, malgré les critiques des associations.")
    assert looks_english(spanish) is False and classify(spanish) == "es"
    assert looks_english(french) is False and classify(french) == "fr"


def test_text_without_words_has_no_language():
    assert looks_english("... --- !!! ...") is None
    assert classify("") is None
    assert document_language("12 34 56 -- 78") is None  # ingest asks for some letters first


def test_a_few_english_words_in_another_language_do_not_make_it_english():
    # a German report quoting one English product name
    german = ("Die Polizei in Hamburg testet seit Montag eine Software namens Face Search, die "
              "Gesichter auf Aufnahmen von Kameras an Bahnhöfen mit einer Datenbank abgleicht.")
    assert looks_english(german) is False
    assert classify(german) == "de"
