"""Answering over the multi-vendor corpus: any identifier, vendor and kind, unknown part
numbers refused by name, checks and yes/no over vendors' own words; never another
product's values."""

from __future__ import annotations

import pytest

from assistant.answer.gate import unsupported_numbers


def decided_by(answer, verdict: str, cited: str) -> None:
    """The answer's verdict is ``verdict`` and its first citation quotes ``cited``."""
    assert answer.verdict == verdict, answer.answer
    assert cited in answer.citations[0].quote, answer.citations[0].quote


@pytest.mark.parametrize("typed", [
    "2002-1299",            # WAGO shape, one digit group off
    "2002 1208",            # typed with a space
    "LZS:RT99999",          # ABC:RT1234
    "S203-C16",             # type designation
    "XY-12P1N122S00",       # letters, digits and dashes
    "AK999/..-5.0-V",       # a '..' pole placeholder
    "P1MB1PC99",            # no separators
    "1ABC010073M9999",      # long order number
    "PT 4-TWIN",            # two words
    "95.03",                # shaped like 95.05
    "1436799",              # seven digits
])
def test_unknown_part_numbers_are_refused_by_name(vendor_assistant, typed):
    answer = vendor_assistant.ask(f"what is the rated current of the {typed}?")
    assert answer.kind == "not_found" and typed in answer.answer
    assert not answer.facts and not answer.citations and answer.verdict is None
    check = vendor_assistant.ask(f"does 2.5 mm² fit the {typed}?")
    assert check.kind == "not_found" and check.verdict is None and not check.citations


@pytest.mark.parametrize("question, item, value", [
    ("strip length 2002 1204", "2002-1204", "10 … 12 mm"),
    ("lzs rt78725 tightening torque", "LZS:RT78725", "0.5 … 0.6 N·m"),
    ("rated current of the ABB S201-C16", "2CDS251001R0164", "16 A"),
    ("what does the hager breaker weigh? no wait, its rated current", "MCN116", "16 A"),
    ("width of the pt 2.5", "3209510", "5.2 mm"),
    ("stripping length weidmuller A2C", "1521850000", "10 mm"),
    ("ip rating of the HP series connector", "230912201", "IP67"),
    ("wat strp lenght on the siemens socket", None, None),  # the Siemens sheet gives none
])
def test_lookups_by_any_name(vendor_assistant, question, item, value):
    answer = vendor_assistant.ask(question)
    if item is None:
        assert answer.kind == "not_found"
        return
    assert answer.kind == "spec", answer.answer
    assert answer.products == (item,) and value in answer.answer
    assert all(c.product == item for c in answer.citations)
    assert unsupported_numbers(answer) == []


@pytest.mark.parametrize("question, verdict", [
    ("12awg solid in the siemens socket?", "no"),             # 20 … 14 AWG for solid
    ("0.75 mm² finely stranded with ferrule into the LZS:RT78725?", "yes"),
    ("4 mm² flexible no ferrule in the weidmuller A2C", "no"),  # flexible max. 2.5 mm²
    ("can the S201-C16 run at -30 C", "no"),                  # min -25 °C
    ("can i tighten the AK950 screws to 1 Nm", "no"),         # 0.7 Nm ±0.1
    ("can I torque the 95.05 terminals to 15 lb-in", "no"),   # 0.8 Nm ≈ 7.1 lb-in
    ("is the LZS:RT78725 cULus approved", "yes"),
    ("finder 95.05 approved for ships?", "yes"),               # RINA
    ("is the M12 connector 1436741 shielded?", "no"),          # Shielding: No
    ("can I use aluminium wire in the 2002-1204?", "no"),      # copper only
])
def test_checks_and_yes_no_over_vendor_words(vendor_assistant, question, verdict):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "check" and answer.verdict == verdict, answer.answer
    assert answer.citations and unsupported_numbers(answer) == []


@pytest.mark.parametrize("question, verdict, cited", [
    # "Mounting position | any": whatever position is asked
    ("can i mount the LZS socket sideways", "yes", "Mounting position"),
    # a number inside a text value ("DIN-35 rail"), the unit word no asked value
    ("can i snap the 2002-1204 on a 35 mm din rail", "yes", "Type of mounting"),
    # a rating "for factory wiring only" asked for field wiring
    ("is the 600 V UL rating of the 770 plug valid for field wiring?", "no", "factory wiring only"),
    ("is the 600 V UL rating of the 770 plug valid for factory wiring?", "yes", "factory wiring only"),
    # the row naming the part asked about ("Item no. 770-1242/076-000 Socket")
    ("does the 770-1252/076-000 mate with the 770-1242/076-000 socket?", "yes", "770-1242/076-000"),
])
def test_yes_no_from_what_the_row_says(vendor_assistant, question, verdict, cited):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "check" and answer.verdict == verdict, answer.answer
    assert cited in answer.citations[0].quote


def test_a_row_naming_another_part_gives_no_yes(vendor_assistant):
    # the sheet prints 770-101 (a locking lever); the row found names 770-1242/076-000
    answer = vendor_assistant.ask("does the 770-1252/076-000 mate with the 770-101 socket?")
    assert answer.verdict != "yes", answer.answer


@pytest.mark.parametrize("question, cited", [
    ("contacts on the HP-09P1N122S00 - what material/plating", "Brass, gold plated"),  # not the contact count
    ("which standard is the phoenix M12 connector per", "IEC 61076-2-101"),           # not "M12 connector"
    ("what parts are in the PM25K2PE01 kit", "PM252PECC"),
    ("what is the part number of the amphenol kit", "PM25K2PE01"),
])
def test_the_row_the_question_asks_for(vendor_assistant, question, cited):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "spec", answer.answer
    assert cited in answer.citations[0].quote


@pytest.mark.parametrize("question, kind, printed", [
    # a kit's part: answered from the kit's rows that name it ("Weight | Chassis Connector")
    ("weight of the PM252PECC", "spec", "12g"),
    ("16 awg in the PM252PECP?", "check", "AWG16"),
    # an accessory or mating connector: its own line in the sheet that lists it
    ("what does the 099.02.0.024.98 module do", "passage", "Coil indication and EMC suppression module"),
    ("what cable OD does the HP-09S1N8A2S00 mating connector take", "passage", "6.0 … 10.0mm cable"),
    ("how many poles does the 770-1242/076-000 have", "passage", "2-pole"),
    ("what is the 210-719", "passage", "Operating tool; Blade: 2.5 x 0.4 mm"),
])
def test_parts_printed_in_another_products_sheet(vendor_assistant, question, kind, printed):
    answer = vendor_assistant.ask(question)
    assert answer.kind == kind and printed in answer.answer, answer.answer
    assert unsupported_numbers(answer) == []


@pytest.mark.parametrize("question", [
    "rated current of the PM252PECC",  # the kit's 25 A is not printed for the part
    "rated current of the 770-101",    # a locking lever: the plug's 25 A is not its
    "strip length of the 770-382",     # an operating tool among others
])
def test_a_part_is_never_given_its_products_values(vendor_assistant, question):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "not_found", answer.answer
    assert not answer.facts and answer.verdict is None


def test_a_part_is_given_the_sub_row_naming_it(vendor_assistant):
    # PM252PECC is the kit's "Chassis Connector"; "Wire Range" has a sub-row for it
    answer = vendor_assistant.ask("what wire goes on the chassis part PM252PECC")
    assert answer.kind == "spec" and "2.5mm² (AWG14) ring terminal" in answer.answer, answer.answer
    assert all("Chassis Connector" in c.quote or "PM252PECC" in c.quote for c in answer.citations)


@pytest.mark.parametrize("question, verdict", [
    ("total connecting lead length 1 m - ok for the SPCT2?", "no"),   # "should not exceed 0.5 m"
    ("is a 40 cm total lead length fine on the eaton spd", "yes"),
])
def test_a_limit_stated_in_prose_decides_a_check(vendor_assistant, question, verdict):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "check" and answer.verdict == verdict, answer.answer
    assert "should not exceed 0.5 m" in answer.citations[0].quote


def test_a_comparison_names_one_product_by_vendor_and_series(vendor_assistant):
    answer = vendor_assistant.ask("temperature range amphenol pm25 vs kaiwei hp")
    assert answer.kind == "compare" and set(answer.products) == {"PM25K2PE01", "230912201"}
    assert "-25˚C to +75˚C" in answer.answer and "-40°C to +105°C" in answer.answer


def test_a_passage_pointing_to_a_table_does_not_answer_for_its_rows(vendor_assistant):
    # "Tighten the terminal screw to the torque given in Table 5": the table's row answers
    answer = vendor_assistant.ask("terminal torque for the SPCT2-280/2 in Nm")
    assert answer.kind == "spec" and "3.5 N·m" in answer.answer, answer.answer


def test_a_follow_up_naming_a_qualifier_of_the_earlier_rows(vendor_assistant):
    # "Wire Range | Cable Plug" and "Wire Range | Chassis Connector": the follow-up asks
    # the wire range again, for the other part (not the chassis connector's weight)
    answer = vendor_assistant.ask("and the chassis connector?", ["what's the cable plug wire range of the PM25K2PE01"])
    assert answer.kind == "spec" and "ring terminal" in answer.citations[0].quote, answer.answer


@pytest.mark.parametrize("typed, named", [("A2C 1.5", "A2C 1.5"), ("PT 4", "PT 4"), ("pt 1,5", "pt 1.5")])
def test_another_size_of_a_family_is_no_product_of_the_corpus(vendor_assistant, typed, named):
    # the corpus has A2C 2.5 and PT 2,5: another size is refused by name, never answered
    answer = vendor_assistant.ask(f"what's the current rating on a {typed}")
    assert answer.kind == "not_found" and named in answer.answer and not answer.facts


def test_the_code_after_a_family_colon_names_the_product(vendor_assistant):
    answer = vendor_assistant.ask("tightening torque of the RT78725")
    assert answer.kind == "spec" and answer.products == ("LZS:RT78725",), answer.answer


@pytest.mark.parametrize("question", [
    "DC voltage rating of the MCN116",        # the sheet gives 230/400 V AC only
    "wire colour for pin 2 on the 1436741",   # "pin 2" names a pin, not the number of pins
])
def test_a_neighbouring_row_is_no_answer(vendor_assistant, question):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "not_found" and not answer.facts, answer.answer


def test_unmated_is_not_the_mated_row(vendor_assistant):
    answer = vendor_assistant.ask("and unmated?", ["IP rating of the kaiwei connector when mated"])
    assert not any("(mated)" in c.quote and "unmated" not in c.quote for c in answer.citations), answer.answer


@pytest.mark.parametrize("question, expected", [
    ("front IP rating of the hager 16A mcb", "IP40"),                           # 16A names the breaker
    ("max load current of the pt 2,5 with a 4mm2 wire", "32 A"),                # a condition, no check
    ("how high does a 2002 1204 stick up off the din rail, in inches", "1.295 inch"),
    ("how tight do I do up the panel nut on the phenix 1436741", "2 Nm"),
])
def test_the_feature_asked_not_a_value_or_word_describing_the_product(vendor_assistant, question, expected):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "spec" and expected in answer.answer, answer.answer


@pytest.mark.parametrize("question, verdict, cited", [
    ("is the GST18i3 UL approved", "yes", "cULus"),                      # UL's family of marks
    ("ak950 UL listed for 24A?", "no", "UL (File E77054) 300 V 20 A"),   # the rating in the approvals list
    ("site is at 3000 m - is LZS:RT78725 ok up there", "no", "Installation altitude"),
])
def test_checks_read_approval_families_lists_and_altitudes(vendor_assistant, question, verdict, cited):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "check" and answer.verdict == verdict, answer.answer
    assert cited in answer.citations[0].quote


def test_a_comparison_of_three_products_named_by_vendor_and_kind(vendor_assistant):
    answer = vendor_assistant.ask("hottest ambient of the hager mcb / abb breaker")
    assert answer.kind == "compare" and set(answer.products) == {"MCN116", "2CDS251001R0164"}, answer.answer


@pytest.mark.parametrize("question, answered", [
    ("UL file number of the finder 95.05 socket", None),      # the approvals list gives no file number
    ("UL use group B rating of the A2C 2.5", None),
    ("UL file number of the AK950", "E77054"),
    ("UL rating of the GST18i3", "600 V, 20 A"),               # cULus, not "Flammability class (UL 94)"
])
def test_what_an_approvals_list_does_not_give_is_not_answered_from_it(vendor_assistant, question, answered):
    answer = vendor_assistant.ask(question)
    if answered is None:
        assert answer.kind == "not_found" and not answer.facts, answer.answer
    else:
        assert answer.kind == "spec" and answered in answer.answer, answer.answer


@pytest.mark.parametrize("earlier", ["anything from Phoenix?", "which terminal blocks take 4 mm² fine-stranded?"])
def test_a_catalogue_question_after_others_is_about_the_catalogue(vendor_assistant, earlier):
    fresh = vendor_assistant.ask("which products are UL approved?")
    after = vendor_assistant.ask("which products are UL approved?", [earlier])
    assert after.kind == "filter" and set(after.products) == set(fresh.products)


def test_a_comparison_of_a_text_feature_reads_each_sheets_own_row(vendor_assistant):
    answer = vendor_assistant.ask("contact plating HP-09P1N122S00 vs 1436741 vs PM25K2PE01")
    assert answer.kind == "compare" and "does not give" not in answer.answer, answer.answer
    assert "Ni/Au" in answer.answer and "gold plated" in answer.answer and "silver plated" in answer.answer
    housing = vendor_assistant.ask("housing material 1436741 vs PM25K2PE01")
    assert "Zinc die-cast" in housing.answer and "PA66" in housing.answer and "PA 66" not in housing.answer


@pytest.mark.parametrize("question", [
    "do I need to add locking levers when I use the 770 plug as a flying lead?",  # "Locking lever; for flying leads"
    "can the locking lever on the 770 plug be fitted later",                      # "Locking lever retrofitable"
])
def test_yes_from_a_row_saying_what_is_asked_in_other_verbs(vendor_assistant, question):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "check" and answer.verdict == "yes", answer.answer
    assert "Locking lever" in answer.citations[0].quote


def test_a_check_takes_the_row_whose_qualifier_the_question_states(vendor_assistant):
    # "Rated voltage (III/3) 400 V" and "(III/2) 630 V": the question says III and degree 2
    stated = vendor_assistant.ask("500V, overvoltage cat III, pollution degree 2 - is AK950 rated for that")
    assert stated.verdict == "yes" and "(III/2)" in stated.citations[0].quote
    open_ = vendor_assistant.ask("500 V on the AK950?")
    assert open_.verdict == "conditional"


def test_a_push_in_minimum_does_not_outweigh_the_class_maximum(vendor_assistant):
    # with collar 0.25 … 1.5 mm²; "push-in termination, from 1.5 mm²" gives no maximum
    answer = vendor_assistant.ask("2,5 sq mm ferrule'd wire WITH collar in a 770-1252?")
    assert answer.verdict == "no", answer.answer


@pytest.mark.parametrize("question", [
    "two 1.5mm2 solid in one clamp of the AK950?",
    "a pair of 1.5mm2 solid in one clamp of the AK950?",
    "2 x 1.5mm² solid wires in one AK950 terminal ok?",
])
def test_two_conductors_are_checked_against_the_per_clamp_row_not_a_prose_maximum(vendor_assistant, question):
    # "Conductors per clamping unit 1x (1,0 ... 2,5), 2x 1,0 mm²" names no class and holds
    # for solid; "Two conductors with twin ferrule Maximum 2x1,5 mm²" does not
    answer = vendor_assistant.ask(question)
    assert answer.verdict == "no", answer.answer
    assert answer.citations[0].quote.startswith("Conductors per clamping unit")


@pytest.mark.parametrize("question, verdict, cited", [
    ("will a 40.61 relay plug into the 95.05?", "yes", "For relay types 40.51, 40.52, 40.61"),
    ("can I fit a 40.52 relay in the finder 95.05 socket", "yes", "For relay types 40.51, 40.52, 40.61"),
])
def test_a_part_number_printed_in_the_products_own_sheet_decides_a_yes_no(vendor_assistant, question, verdict,
                                                                          cited):
    decided_by(vendor_assistant.ask(question), verdict, cited)


def test_a_follow_up_under_that_keeps_the_earlier_approval(vendor_assistant):
    answer = vendor_assistant.ask("what's the max current under that?", ["is the 770 plug UL approved?"])
    assert answer.kind == "spec" and "UL 1977" in answer.citations[0].quote, answer.answer
    assert "23 A" in answer.answer and "25 A" not in answer.answer
    group = vendor_assistant.ask("and the amps for that group?", ["UL use group C voltage on the 2002-1204"])
    assert "Use Group C" in group.citations[0].quote and "Use Group B" not in group.answer, group.answer


@pytest.mark.parametrize("question", ["is the 770 plug UV resistant", "is the 770 plug uv resistant?"])
def test_an_abbreviation_is_a_key_term_not_noise(vendor_assistant, question):
    # "UV" was dropped as a two-letter word: "resistant" alone found "Note on Contact Resistance"
    answer = vendor_assistant.ask(question)
    assert answer.kind == "not_found", answer.answer


def test_a_refusal_shows_the_close_rows_apart(vendor_assistant):
    answer = vendor_assistant.ask("how many S201-C16 come in a box")
    assert answer.kind == "not_found" and not answer.citations
    assert any("Package level 1 units" in c.quote for c in answer.related)


def test_a_passage_close_in_meaning_answers_though_its_chunk_is_not(vendor_assistant):
    # the rewiring sentence sits in a long chunk about many jumpers, and comes first
    answer = vendor_assistant.ask("how do I get a wire jumper back out of the 2002-1204 for rewiring")
    assert answer.kind == "passage"
    assert "Lift the jumper with an operating tool for rewiring." in answer.citations[0].quote


@pytest.mark.parametrize("question, verdict, cited", [
    # "max. wire 1.0mm² (AWG18)": a smaller gauge number is a larger wire
    ("can i solder 16 awg onto the kaiwei m23 receptacle cups?", "no", "Solder cup"),
    ("can i solder 20 awg onto the kaiwei m23 receptacle cups?", "yes", "Solder cup"),
    ("can i run 1/0 awg to the eaton spd", "no", "16 … 2 AWG"),                  # 1/0 AWG is gauge 0
    # "storing" names the storage row although an item number follows it
    ("storing 1521850000 terminals at -40°C, allowed", "no", "Storage temperature"),
    # "jumpered … in an ex e ii box": the row whose qualifier says both
    ("we have jumpered 2002-1204s in an ex e ii junction box carrying 22 amps. ok?", "no", "with jumper"),
    ("luminaire sits at 185F continuous, is the 770 plug rated for that", "yes", "+85 °C"),
    # the M12 of "the phoenix m12 device connector" names the product, not a thread to check
    ("48vdc sensor supply through the phoenix m12 device connector, ok?", "yes", "Rated voltage"),
    # a prose rule limiting the conductor material
    ("aluminium leads on the spct2-280/2 allowed?", "no", "Use copper conductors only."),
    ("aluminum conductors in the wago 2002-1204 allowed", "no", "Copper"),
])
def test_checks_read_gauges_words_and_rules_as_the_sheet_means_them(vendor_assistant, question, verdict, cited):
    decided_by(vendor_assistant.ask(question), verdict, cited)


@pytest.mark.parametrize("question", [
    "DC breaking capacity of the S201-C16",        # the sheet never says DC
    "Icw short-time withstand current of the PT 2,5",  # not its nominal current
])
def test_a_figure_for_another_condition_is_not_given(vendor_assistant, question):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "not_found", answer.answer


def test_a_value_selects_the_accessories_whose_range_holds_it(vendor_assistant):
    answer = vendor_assistant.ask("white strain relief housing for a 6 mm cable on this 2 pole winsta, part no?")
    assert answer.kind == "spec" and "770-512/042-000" in answer.answer, answer.answer
    assert len(answer.citations) == 1  # not the black ones, not the 7 … 10.5 mm one
    both_ends = vendor_assistant.ask("need the white strain relief for a 5 to 9 mm jacket - which one fits the 770 plug")
    assert [c.quote for c in both_ends.citations] == [answer.citations[0].quote]


def test_a_follow_up_naming_a_part_of_the_earlier_product_stays_with_it(vendor_assistant):
    # "plug" would name the WINSTA plug; the PM25 kit prints a "Cable Plug"
    answer = vendor_assistant.ask("n the cable plug", ["pm25 chassis connector weight?"])
    assert answer.products == ("PM25K2PE01",) and "32g" in answer.answer, answer.answer
    other = vendor_assistant.ask("and the hager breaker?", ["rated current of the S201"])
    assert other.products == ("MCN116",)


def test_a_twin_ferrule_row_does_not_decide_a_one_conductor_check(vendor_assistant):
    # "2 conductors with same cross section, flexible, TWIN crimp sleeve … 0.5 mm² ... 1 mm²"
    answer = vendor_assistant.ask("does 2.5 mm² fine-stranded with a plastic collar ferrule fit the PT 2,5?")
    assert answer.verdict == "yes", answer.answer
    assert all("TWIN" not in c.quote for c in answer.citations)


@pytest.mark.parametrize("question, verdict, cited", [
    ("fault level 10 kA, rated per EN 60898-1 - is the MCN116 good enough", "no", "6000 A"),
    ("6 kA prospective short circuit current, s201 ok?", "yes", "Icn"),
])
def test_a_fault_level_is_checked_against_the_breaking_capacity(vendor_assistant, question, verdict, cited):
    answer = vendor_assistant.ask(question)
    assert answer.verdict == verdict, answer.answer
    assert cited in answer.citations[0].quote and "Rated current" not in answer.answer


@pytest.mark.parametrize("question, verdict, cited", [
    # a value of a text feature next to another feature's word: the connection method
    ("does the 230912201 have crimp contacts?", "no", "Solder connection"),
    # a yes/no after a dash; the IP code shaped like the row's is what is asked
    ("need at least ip67 - does the SACC-E-M12FS-5CON-M16/0,5 qualify", "yes", "IP67"),
    ("need at least ip68 - does the SACC-E-M12FS-5CON-M16/0,5 qualify", "no", "IP67"),
    # a value with conditions is asked with the question's condition
    ("is the PM25K2PE01 IP67 when unplugged", "no", "IP2X (unmated)"),
])
def test_yes_no_over_text_values(vendor_assistant, question, verdict, cited):
    decided_by(vendor_assistant.ask(question), verdict, cited)


def test_a_feature_word_among_others_is_no_yes_by_itself(vendor_assistant):
    # "panel" names the mounting type; that the sheet gives one answers nothing here
    answer = vendor_assistant.ask("panel has M20 holes, will the 1436741 thread fit?")
    assert answer.verdict != "yes", answer.answer


def test_the_row_printed_in_the_asked_unit_comes_first(vendor_assistant):
    lookup = vendor_assistant.ask("in lb-in pls", ["what torque for the ak950 terminal screws"])
    assert "Ibin" in lookup.citations[0].quote and "Nm" not in lookup.answer, lookup.answer
    check = vendor_assistant.ask("is 40 lb-in ok on the SPCT2 terminals?")
    assert check.verdict == "no" and "31 lb-in" in check.citations[0].quote


@pytest.mark.parametrize("question, verdict", [
    ("35 amps through a 3209510 with 4mm2 wire?", "no"),
    ("30 amps through a 3209510 with 4mm2 wire?", "yes"),
])
def test_a_current_with_a_conductor_size_is_checked_against_the_row_stating_it(vendor_assistant, question, verdict):
    answer = vendor_assistant.ask(question)
    assert answer.verdict == verdict, answer.answer
    assert [c.quote for c in answer.citations] == ["Maximum load current 32 A (with 4 mm² conductor cross section)"]


def test_a_certificate_number_is_looked_up_and_a_vendor_typed_without_accents_is_the_vendor(vendor_assistant):
    answer = vendor_assistant.ask("ATEX certificate no. of the weidmuller a2c 2.5")
    assert answer.kind == "spec" and answer.verdict is None, answer.answer
    assert answer.citations[0].quote == "ATEX certificate TÜV 16 ATEX 7909 U"


@pytest.mark.parametrize("question, cited", [
    ("pcb hole dia for the AK950?", "PCB hole diameter"),                         # "dia" is diameter
    ("8-way jumper link for the 95.05, which part", "095.18 8-way jumper link"),  # an accessory asked for
])
def test_abbreviations_and_accessories_asked_for_by_part(vendor_assistant, question, cited):
    answer = vendor_assistant.ask(question)
    assert answer.kind == "spec" and cited in answer.citations[0].quote, answer.answer


def test_two_conductors_are_never_a_yes_from_a_one_conductor_row(vendor_assistant):
    # the 2002-1204 prints no size per two conductors: its "Solid conductor 0.25 … 4 mm²"
    # row says nothing of two in one clamp
    answer = vendor_assistant.ask("two 2.5 mm2 conductors in one terminal of the 2002-1204?")
    assert answer.verdict != "yes" and answer.kind == "not_found", answer.answer
