import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serial_tracking.tools import check_digits as cd
from serial_tracking.tools import numbering as nb

MARCH_5 = datetime.date(2024, 3, 5)


# -- compiling ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "position", "problem"),
    [
        ("", 1, "empty"),
        ("SN-", 3, "needs a sequence"),
        ("SN{SEQ}", 3, "needs a width"),
        ("SN{SEQ:0}", 3, "1 to 20 digits"),
        ("SN{SEQ:21}", 3, "1 to 20 digits"),
        ("SN{seq:4}", 3, r"capitals: \{SEQ:4\}"),
        ("SN{yyyy}{SEQ:4}", 3, r"capitals: \{YYYY\}"),
        ("SN{YYY}{SEQ:4}", 3, r"unknown token \{YYY\}"),
        ("SN{}{SEQ:4}", 3, r"unknown token \{\}"),
        ("SN}{SEQ:4}", 3, "'}' closes no token"),
        ("SN{SEQ:4", 3, "never closed"),
        ("SN{WH{SEQ:4}", 3, "never closed"),
        ("{SEQ:2}-{SEQ:3}", 9, "only one"),
        ("{CHECK}{SEQ:3}", 1, "must be the last"),
        ("{SEQ:3}{CHECK}{CHECK}", 8, "must be the last"),
        ("SN\t{SEQ:3}", 3, "U\\+0009"),
    ],
)
def test_bad_patterns_name_position_and_problem(pattern, position, problem):
    with pytest.raises(nb.PatternError, match=problem) as caught:
        nb.compile_pattern(pattern)
    assert caught.value.position == position - 1
    assert f"character {position}:" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_compiled_pattern_describes_itself():
    pattern = nb.compile_pattern("{WH}/{REF}/{YY}{SEQ:5}{CHECK}")
    assert pattern.sequence_width == 5
    assert pattern.max_sequence == 99999
    assert pattern.has_check and pattern.uses_date
    assert pattern.uses_warehouse and pattern.uses_product_ref
    assert [token.kind for token in pattern.tokens] == [
        "WH",
        "TEXT",
        "REF",
        "TEXT",
        "YY",
        "SEQ",
        "CHECK",
    ]
    plain = nb.compile_pattern("SN{SEQ:3}")
    assert not (plain.has_check or plain.uses_date or plain.uses_warehouse)


# -- rendering ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "seq", "day", "algorithm", "expected"),
    [
        ("SN{YYYY}{MM}{DD}-{SEQ:5}", 42, MARCH_5, "none", "SN20240305-00042"),
        ("{YY}{DDD}{SEQ:4}", 7, MARCH_5, "none", "240650007"),
        ("{YY}{DDD}{SEQ:4}", 7, datetime.date(2024, 12, 31), "none", "243660007"),
        # ISO week 1 of 2025 starts on Monday 30 December 2024.
        ("{YYYY}W{WW}-{SEQ:3}", 1, datetime.date(2024, 12, 30), "none", "2024W01-001"),
        ("{YYYY}W{WW}-{SEQ:3}", 1, datetime.date(2021, 1, 3), "none", "2021W53-001"),
        ("{{WH}}-{SEQ:3}", 1, None, "none", "{WH}-001"),
        ("{{{SEQ:2}}}", 5, None, "none", "{05}"),
        ("100%-{SEQ:2}", 5, None, "none", "100%-05"),
        ("{SEQ:14}{CHECK}", 49015420323751, None, "luhn", "490154203237518"),
        ("{SEQ:12}{CHECK}", 400638133393, None, "gs1_mod10", "4006381333931"),
        ("0{SEQ:3}{CHECK}", 79, None, "iso7064_mod11_2", "0079X"),
        ("1M8GDM9AKP{SEQ:6}{CHECK}", 42788, None, "vin", "1M8GDM9AXKP042788"),
    ],
)
def test_render_examples(pattern, seq, day, algorithm, expected):
    assert nb.compile_pattern(pattern).render(seq, day, algorithm=algorithm) == expected


def test_render_warehouse_and_reference():
    compiled = nb.compile_pattern("{WH}-{REF}-{SEQ:4}")
    assert compiled.render(12, MARCH_5, warehouse_code="WH2", product_ref="FURN_8855") == (
        "WH2-FURN_8855-0012"
    )


@pytest.mark.parametrize(
    ("pattern", "kwargs", "problem"),
    [
        ("SN{SEQ:3}", {"seq": 1000}, r"1000 does not fit in \{SEQ:3\}.*largest is 999"),
        ("SN{SEQ:3}", {"seq": -1}, "0 or more"),
        ("SN{SEQ:3}", {"seq": True}, "whole number"),
        ("SN{SEQ:3}", {"seq": "5"}, "whole number"),
        ("{YYYY}{SEQ:3}", {"day": None}, "needs a date"),
        ("{YYYY}{SEQ:3}", {"day": "2024-03-05"}, "needs a date"),
        ("{WH}{SEQ:3}", {}, r"uses \{WH\} but no warehouse code"),
        ("{REF}{SEQ:3}", {}, r"uses \{REF\} but the product has no internal reference"),
        ("{SEQ:3}{CHECK}", {}, "check algorithm is 'none'"),
        ("{SEQ:3}", {"algorithm": "luhn"}, r"has no \{CHECK\}"),
    ],
)
def test_render_refuses_inputs_it_cannot_use(pattern, kwargs, problem):
    arguments = {"seq": 1, "day": MARCH_5, "algorithm": "none", **kwargs}
    with pytest.raises(nb.RenderError, match=problem):
        nb.compile_pattern(pattern).render(
            arguments["seq"], arguments["day"], algorithm=arguments["algorithm"]
        )


def test_render_with_an_algorithm_the_text_cannot_satisfy():
    with pytest.raises(nb.RenderError, match="luhn check character: .*'S' at position 1"):
        nb.compile_pattern("SN{SEQ:4}{CHECK}").render(1, None, algorithm="luhn")
    with pytest.raises(cd.CheckDigitError, match="unknown check algorithm"):
        nb.compile_pattern("SN{SEQ:4}{CHECK}").render(1, None, algorithm="crc32")


def test_render_many_equals_render_one_by_one():
    compiled = nb.compile_pattern("{WH}{YY}{SEQ:6}{CHECK}")
    many = compiled.render_many(
        999990, 10, MARCH_5, warehouse_code="X9", algorithm="iso7064_mod37_36"
    )
    single = [
        compiled.render(seq, MARCH_5, warehouse_code="X9", algorithm="iso7064_mod37_36")
        for seq in range(999990, 1000000)
    ]
    assert many == single
    assert (
        compiled.render_many(5, 0, MARCH_5, warehouse_code="X9", algorithm="iso7064_mod37_36") == []
    )


def test_render_many_refuses_to_overflow_the_sequence():
    compiled = nb.compile_pattern("SN{SEQ:2}")
    assert compiled.render_many(95, 5, None)[-1] == "SN99"
    with pytest.raises(nb.RenderError, match="100 does not fit"):
        compiled.render_many(95, 6, None)


def test_render_many_makes_a_hundred_thousand_distinct_valid_numbers():
    imeis = nb.compile_pattern("35{SEQ:12}{CHECK}").render_many(
        209900000000, 100_000, None, algorithm="luhn"
    )
    assert len(set(imeis)) == 100_000
    # Check digits from python-stdnum's luhn.calc_check_digit.
    assert imeis[0] == "352099000000006" and imeis[-1] == "352099000999991"
    assert not nb.validate_batch(imeis, nb.PRESETS["imei"])


# -- parsing -----------------------------------------------------------------


def test_parse_reads_sequence_and_fields():
    compiled = nb.compile_pattern("{WH}{YYYY}{MM}X{SEQ:5}{CHECK}")
    value = compiled.render(42, MARCH_5, warehouse_code="WH", algorithm="iso7064_mod37_36")
    parsed = compiled.parse(value, algorithm="iso7064_mod37_36")
    assert parsed.sequence == 42
    assert parsed.fields == {"WH": "WH", "YYYY": "2024", "MM": "03"}
    assert parsed.check == value[-1]
    assert parsed.value == value


def test_parse_refuses_what_the_pattern_cannot_make():
    compiled = nb.compile_pattern("SN{MM}{DD}-{SEQ:3}")
    assert compiled.parse("SN0305-042").sequence == 42
    for value in [
        "SN1305-042",
        "SN0332-042",
        "SN0305-42",
        "SN0305-0042",
        "sn0305-042",
        "SN0305-042\n",
        "SN0305-٠٤٢",
        None,
    ]:
        assert compiled.parse(value) is None, value


def test_parse_refuses_a_wrong_check_character():
    compiled = nb.compile_pattern("{SEQ:14}{CHECK}")
    assert compiled.parse("490154203237518", algorithm="luhn").sequence == 49015420323751
    assert compiled.parse("490154203237517", algorithm="luhn") is None
    assert compiled.parse("49015420323751", algorithm="luhn") is None


def test_repeated_token_must_repeat_its_text():
    compiled = nb.compile_pattern("{YY}-{SEQ:3}-{YY}")
    assert compiled.render(1, MARCH_5) == "24-001-24"
    assert compiled.parse("24-001-24").fields == {"YY": "24"}
    assert compiled.parse("24-001-25") is None


def test_given_codes_are_matched_literally():
    compiled = nb.compile_pattern("{WH}{REF}{SEQ:2}")
    value = compiled.render(7, None, warehouse_code="A.B", product_ref="C")
    assert compiled.parse(value, warehouse_code="A.B", product_ref="C").fields == {
        "WH": "A.B",
        "REF": "C",
    }
    assert compiled.parse("AxBC07", warehouse_code="A.B", product_ref="C") is None


def test_regex_matches_rendered_numbers_only():
    compiled = nb.compile_pattern("SN{YYYY}X{SEQ:4}{CHECK}")
    regex = compiled.regex(algorithm="iso7064_mod97_10")
    value = compiled.render(12, MARCH_5, algorithm="iso7064_mod97_10")
    assert regex.match(value)["SEQ"] == "0012"
    assert regex.match(value)["CHECK"] == value[-2:]
    assert not regex.match(value + "1")
    assert not regex.match("SN2024X0012A9")


def test_vin_pattern_regex_places_the_check_at_position_nine():
    compiled = nb.compile_pattern("1M8GDM9AKP{SEQ:6}{CHECK}")
    regex = compiled.regex(algorithm="vin")
    match = regex.match("1M8GDM9AXKP042788")
    assert match["CHECK"] == "X" and match["SEQ"] == "042788"
    parsed = compiled.parse("1M8GDM9AXKP042788", algorithm="vin")
    assert (parsed.sequence, parsed.check) == (42788, "X")
    assert compiled.parse("1M8GDM9A1KP042788", algorithm="vin") is None
    fixed = nb.compile_pattern("{REF}{YY}{SEQ:8}{CHECK}")
    vin = fixed.render(42788, datetime.date(2019, 1, 1), product_ref="1M8GDM", algorithm="vin")
    assert (vin[:8], vin[9:]) == ("1M8GDM19", "00042788") and cd.is_valid("vin", vin)
    match = fixed.regex(product_ref="1M8GDM", algorithm="vin").match(vin)
    assert (match["YY"], match["CHECK"], match["SEQ"]) == ("19", vin[8], "00042788")


def test_vin_pattern_regex_needs_fixed_width_before_position_nine():
    with pytest.raises(nb.PatternError, match="after the 8th character"):
        nb.compile_pattern("{WH}{SEQ:6}{CHECK}").regex(algorithm="vin")
    with pytest.raises(nb.PatternError, match="after the 8th character"):
        nb.compile_pattern("1M8GDM{SEQ:10}{CHECK}").regex(algorithm="vin")


@st.composite
def patterns_and_inputs(draw):
    """A random pattern, an algorithm it can use, and inputs to render it with."""
    algorithm = draw(st.sampled_from(list(cd.ALGORITHMS)))
    if algorithm == "vin":
        algorithm = "none"  # VIN patterns have their own fixed-width tests
    charset = cd.ALGORITHMS[algorithm].charset or "ABC-/.%{}xyz019 "
    text = st.text(charset, min_size=1, max_size=4)
    pieces = draw(
        st.lists(
            st.one_of(
                text.map(lambda literal: literal.replace("{", "{{").replace("}", "}}")),
                st.sampled_from(
                    ["{YYYY}", "{YY}", "{MM}", "{DD}", "{DDD}", "{WW}", "{WH}", "{REF}"]
                ),
            ),
            max_size=5,
        )
    )
    width = draw(st.integers(1, 12))
    pieces.insert(draw(st.integers(0, len(pieces))), "{SEQ:%d}" % width)
    if algorithm != "none":
        pieces.append("{CHECK}")
    inputs = {
        "seq": draw(st.integers(0, 10**width - 1)),
        "date": draw(st.dates(datetime.date(1000, 1, 1))),
        "warehouse_code": draw(text),
        "product_ref": draw(text),
        "algorithm": algorithm,
    }
    return "".join(pieces), inputs


@given(patterns_and_inputs())
def test_render_then_parse_round_trip(case):
    pattern, inputs = case
    compiled = nb.compile_pattern(pattern)
    value = compiled.render(**inputs)
    codes = {key: inputs[key] for key in ("warehouse_code", "product_ref", "algorithm")}
    parsed = compiled.parse(value, **codes)
    assert parsed is not None, value
    assert parsed.sequence == inputs["seq"]
    day = inputs["date"]
    expected = {
        "YYYY": "%04d" % day.year,
        "YY": "%02d" % (day.year % 100),
        "MM": "%02d" % day.month,
        "DD": "%02d" % day.day,
        "DDD": "%03d" % day.timetuple().tm_yday,
        "WW": "%02d" % day.isocalendar()[1],
        "WH": inputs["warehouse_code"],
        "REF": inputs["product_ref"],
    }
    assert parsed.fields == {name: expected[name] for name in parsed.fields}
    assert compiled.regex(**codes).match(value)
    assert cd.is_valid(inputs["algorithm"], value)


@given(patterns_and_inputs(), st.integers(1, 30))
def test_render_many_matches_render(case, count):
    pattern, inputs = case
    compiled = nb.compile_pattern(pattern)
    count = min(count, compiled.max_sequence + 1)
    start = min(inputs.pop("seq"), compiled.max_sequence + 1 - count)
    many = compiled.render_many(start, count, **inputs)
    assert many == [compiled.render(seq, **inputs) for seq in range(start, start + count)]
    assert len(set(many)) == count


# -- validation --------------------------------------------------------------


def test_cset82_has_the_82_characters_of_the_gs1_table():
    assert len(nb.GS1_CSET82) == 82 == len(set(nb.GS1_CSET82))
    assert not set(" #$@[]{}\\^`|~") & set(nb.GS1_CSET82)


def test_messages_name_value_problem_and_line():
    spec = nb.ValidationSpec(
        charset="alnum_upper", min_len=2, max_len=10, check_algorithm="iso7064_mod37_36"
    )
    # Expected check characters from python-stdnum's mod_37_36.calc_check_digit.
    problems = nb.validate_batch(
        ["A3", "SN1234F", "SN1234X", "SN99", "SN1234F", "SN99"], spec, existing={"SN99"}
    )
    assert [(p.line, p.code, p.message) for p in problems] == [
        (1, "check", "A3: check character should be H"),
        (3, "check", "SN1234X: check character should be F"),
        (4, "check", "SN99: check character should be W"),
        (4, "exists", "SN99: already exists"),
        (5, "duplicate", "SN1234F: duplicate of SN1234F in this batch (line 2)"),
        (6, "check", "SN99: check character should be W"),
        (6, "duplicate", "SN99: duplicate of SN99 in this batch (line 4)"),
    ]


def test_duplicate_message_points_at_first_occurrence():
    problems = nb.validate_batch(["A", "B", "C", "SN1", "D", "SN1", "SN1"], "free")
    assert [problem.message for problem in problems] == [
        "SN1: duplicate of SN1 in this batch (line 4)",
        "SN1: duplicate of SN1 in this batch (line 4)",
    ]
    assert [problem.line for problem in problems] == [6, 7]


@pytest.mark.parametrize(
    ("preset", "value", "code", "message"),
    [
        ("imei", "490154203237518", None, None),
        ("imei", "490154203237517", "check", "check character should be 8"),
        ("imei", "49015420323751", "too_short", "has 14 characters, needs 15"),
        ("imei", "4901542032375180", "too_long", "has 16 characters, needs 15"),
        ("imei", "49015420323751X", "charset", "'X' at position 15 is not allowed"),
        ("imei", "", "empty", "cannot be empty"),
        ("gs1_serial", "AB-12/x%(7)_:", None, None),
        ("gs1_serial", "A" * 20, None, None),
        ("gs1_serial", "A" * 21, "too_long", "at most 20"),
        ("gs1_serial", "AB 12", "charset", "' ' at position 3"),
        ("gs1_serial", "AB#12", "charset", "'#' at position 3"),
        ("gs1_serial", "ABé", "charset", "'é' at position 3"),
        ("vin", "1M8GDM9AXKP042788", None, None),
        ("vin", "11111111111111111", None, None),
        ("vin", "1M8GDM9A1KP042788", "check", "check character should be X"),
        ("vin", "1M8GDM9AXKP0427888", "too_long", "needs 17"),
        ("vin", "1M8GDM9AXKPO42788", "check_format", "'O' at position 12"),
        ("vin", "1m8GDM9AXKP042788", "charset", "'m' at position 2"),
        ("free", "Serial 7 of 9 – Ü", None, None),
        ("free", "x" * 64, None, None),
        ("free", "x" * 65, "too_long", "at most 64"),
        ("free", " SN1", "spaces", "starts or ends with a space"),
        ("free", "SN1 ", "spaces", "starts or ends with a space"),
        ("free", "SN\t1", "control", "U+0009 at position 3"),
        ("free", "SN\u200b1", "control", "U+200B at position 3"),
        ("free", "SN\xa01", "control", "U+00A0 at position 3"),
    ],
)
def test_presets(preset, value, code, message):
    problems = nb.validate_batch([value], preset)
    if code is None:
        assert problems == []
    else:
        assert [problem.code for problem in problems] == [code]
        assert message in problems[0].message
        assert problems[0].value == value


def test_regex_and_hint():
    spec = nb.ValidationSpec(
        charset="alnum_upper",
        min_len=1,
        max_len=20,
        regex=r"SN\d{4}",
        regex_hint="SN followed by 4 digits",
    )
    problems = nb.validate_batch(["SN1234", "SN12345", "XN1234"], spec)
    assert [(p.line, p.message) for p in problems] == [
        (2, "SN12345: does not match the expected format SN followed by 4 digits"),
        (3, "XN1234: does not match the expected format SN followed by 4 digits"),
    ]


def test_rule_regex_feeds_a_validation_spec():
    compiled = nb.compile_pattern("SN{YY}X{SEQ:5}{CHECK}")
    spec = nb.ValidationSpec(
        charset="alnum_upper",
        regex=compiled.regex(algorithm="iso7064_mod37_36").pattern,
        check_algorithm="iso7064_mod37_36",
    )
    values = compiled.render_many(0, 50, MARCH_5, algorithm="iso7064_mod37_36")
    assert nb.validate_batch(values, spec) == []
    wrong_check = values[7][:-1] + ("A" if values[7][-1] != "A" else "B")
    assert [p.code for p in nb.validate_batch([wrong_check, "SN24X00001"], spec)] == [
        "check",
        "format",
    ]


def test_non_text_values_are_reported():
    problems = nb.validate_batch([490154203237518, None], "imei")
    assert [(p.line, p.code) for p in problems] == [(1, "type"), (2, "type")]


def test_max_problems_stops_early():
    problems = nb.validate_batch(["x"] * 1000, "imei", max_problems=3)
    assert len(problems) == 3


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"charset": "latin1"}, "unknown charset"),
        ({"min_len": 0}, "min_len"),
        ({"min_len": 5, "max_len": 4}, "min_len"),
        ({"check_algorithm": "crc"}, "unknown check algorithm"),
        ({"regex": "SN("}, "invalid regex"),
    ],
)
def test_spec_refuses_contradictions(kwargs, problem):
    with pytest.raises(nb.ValidationSpecError, match=problem):
        nb.ValidationSpec(**kwargs)


def test_large_batch_against_a_large_existing_set():
    values = [cd.with_check("luhn", "35%012d" % n) for n in range(100_000)]
    existing = {cd.with_check("luhn", "35%012d" % n) for n in range(99_990, 100_010)}
    existing.update(str(n) for n in range(10**15, 10**15 + 200_000))
    values[500] = values[499]
    values[600] = values[600][:-1] + str((int(values[600][-1]) + 1) % 10)
    problems = nb.validate_batch(values, "imei", existing=frozenset(existing))
    assert [(p.line, p.code) for p in problems] == (
        [(501, "duplicate"), (601, "check")] + [(line, "exists") for line in range(99_991, 100_001)]
    )


@given(st.lists(st.text("0123456789", min_size=14, max_size=14), max_size=30))
def test_valid_imeis_pass_and_changed_ones_fail(bodies):
    imeis = [cd.with_check("luhn", body) for body in bodies]
    problems = nb.validate_batch(imeis, "imei")
    first_line = {}
    for line, imei in enumerate(imeis, start=1):
        first_line.setdefault(imei, line)
    assert [(p.line, p.code) for p in problems] == [
        (line, "duplicate") for line, imei in enumerate(imeis, start=1) if first_line[imei] != line
    ]
    for imei in set(imeis):
        changed = imei[:-1] + str((int(imei[-1]) + 1) % 10)
        assert [p.code for p in nb.validate_batch([changed], "imei")] == ["check"]
