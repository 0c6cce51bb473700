"""Spreadsheet safety shared by every export: text that a spreadsheet program would run as
a formula (CSV/formula injection) is written with a leading apostrophe, and reading a file
back takes the apostrophe off again, so export → import round-trips."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value: object) -> object:
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value
