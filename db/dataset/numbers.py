"""Numbers and dates as the source documents write them, so a stored value can be found in
its passage: "US$ 2.4 million" and "2,400,000" are both 2400000, "26-month" is 26,
"four-year" is 4, "65 per cent" and "65%" are 65, "2019-21" names 2019 and 2021.
"""

import calendar
import re
from datetime import date
from decimal import Decimal

from db.enums import DatePrecision

MONTHS = list(calendar.month_name)[1:]

_UNITS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)
_WORDS = {word: number for number, word in enumerate(_UNITS)}
_WORDS |= {"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}
_SCALES = {"thousand": Decimal(10) ** 3, "million": Decimal(10) ** 6, "billion": Decimal(10) ** 9}

_NUMERAL = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(thousand|million|billion)\b)?", re.I
)
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.I)
_SHORT_RANGE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)\b")
_MONTH = "|".join(MONTHS)


def normalise(text: str) -> str:
    """The normalisation db/dataset/README.md promises excerpts are quoted under."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("\\", "").replace("**", "").replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def numbers_in(text: str) -> set[Decimal]:
    """Every number the text writes, in figures or in words, scaled where it says so."""
    found: set[Decimal] = set()
    for digits, scale in _NUMERAL.findall(text):
        number = Decimal(digits.replace(",", ""))
        found.add(number)
        if scale:
            found.add(number * _SCALES[scale.lower()])
    found |= {Decimal(_WORDS[word.lower()]) for word in _WORD.findall(text)}
    for first, last in _SHORT_RANGE.findall(text):
        found.add(Decimal(first[:2] + last))
    return found


def written_precision(day: date, text: str) -> DatePrecision | None:
    """The finest precision to which the text writes ``day``'s period (None: not at all)."""
    month = MONTHS[day.month - 1]
    year = str(day.year)
    if re.search(
        rf"\b({day.day} {month},? {year}|{month} {day.day},? {year}|{day.isoformat()})\b", text
    ):
        return DatePrecision.DAY
    if re.search(rf"\b({month},? {year}|{year}-{day.month:02d})\b", text):
        return DatePrecision.MONTH
    if Decimal(day.year) in numbers_in(text):
        return DatePrecision.YEAR
    return None


def finer_mention(year: int, text: str) -> bool:
    """Whether the text names a month of ``year``: a YEAR date would then say too little."""
    return re.search(rf"\b({_MONTH}) (\d{{1,2}},? )?{year}\b", text) is not None


def month_and_day(text: str) -> list[tuple[int, int]]:
    """(month, day) pairs the text writes without a year, as in "On May 6"."""
    pairs = [
        (MONTHS.index(m) + 1, int(d)) for m, d in re.findall(rf"\b({_MONTH}) (\d{{1,2}})\b", text)
    ]
    pairs += [
        (MONTHS.index(m) + 1, int(d)) for d, m in re.findall(rf"\b(\d{{1,2}}) ({_MONTH})\b", text)
    ]
    return pairs


def duration_years(text: str) -> set[int]:
    """Durations written as "four-year" or "3-year"."""
    found = {_WORDS[w.lower()] for w in re.findall(r"\b(" + "|".join(_WORDS) + r")-year\b", text)}
    return found | {int(n) for n in re.findall(r"\b(\d+)-year\b", text)}
