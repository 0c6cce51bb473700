"""What the ledgers and tasks of a quarter say about the measured deduction rules of a card.

``measure_cards(cards)`` is the one entry point: for any number of scorecards it returns, per
card and per measured rule, the facts found (with links to the records) and the *suggested
count*, in a number of queries that does not grow with the cards (one per kind of ledger read,
per quarter among the cards). The measures themselves are in ``registry``; the reads in
``ledgers``.
"""

from .registry import Fact, Measured, measure_card, measure_cards

__all__ = ["Fact", "Measured", "measure_card", "measure_cards"]
