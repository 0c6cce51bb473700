"""Search strings that try to read a masked ID number back (issue 16, finding 3)."""


def masked_id_attacks(number: str) -> list[str]:
    """Searches built from what a masked number (``4201**********0501``) and the birth date
    shown beside it give away, each reaching into the hidden middle."""
    birth = number[6:14]
    return [
        number[4:6] + birth + number[-4:],  # two guessed digits + birth date + tail: the finding
        number[5] + birth + number[-4:],
        birth + number[-4:],
        number[-6:],
        number[-5:],
        number[:4] + number[4:6] + birth,
        number[4:14],
        number[:-4],
        number[2:],
        number.lower(),
        number,  # the whole number is a guess confirmed, for someone who sees it masked
    ]
