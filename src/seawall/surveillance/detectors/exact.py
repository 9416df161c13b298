"""Exact rules: patterns that are manipulation by definition once the stream shows them.

* ``wash.same_owner``: a trade whose buyer and seller are the same beneficial owner: the same
  pseudonym on both sides (a self-trade the owner did not prevent), or two pseudonyms the public
  stream links (``tape.Linkage``: the same person at two brokers, the same funding source, an
  algorithm and its owner). No change of ownership: a wash trade.
* ``operator.linked_account``: an order from a pseudonym linked to an account the venue
  restricted (its operator's or an affiliate's): the venue may not trade, and a disguised
  account is how it would try.

Both alert on the first occurrence (latency: the entry that shows it) and then stay quiet about
the same subjects for ``cooldown_ns``.
"""

from __future__ import annotations

from typing import ClassVar

from seawall.surveillance.detectors.base import Detector, Event, Handler
from seawall.surveillance.state import AlertType, ParameterValue

__all__ = ["OperatorLinkedAccount", "WashSameOwner"]


class WashSameOwner(Detector):
    """Trades with one beneficial owner on both sides."""

    name: ClassVar[str] = "wash.same_owner"
    version: ClassVar[int] = 1
    alert_type: ClassVar[AlertType] = AlertType.WASH_TRADING
    exact: ClassVar[bool] = True
    defaults: ClassVar[dict[str, ParameterValue]] = {"cooldown_ns": 600_000_000_000}

    def handlers(self) -> dict[str, Handler]:
        return {"venue.trade": self._trade}

    def _trade(self, event: Event) -> None:
        maker = event["maker_account_id"]
        taker = event["taker_account_id"]
        if maker == taker:
            link = "same_account"
        else:
            link = self.tape.links.same_owner(maker, taker)
            if not link:
                return
        symbol = event["symbol"]
        subjects = tuple(sorted({maker, taker}))
        if not self.cooled((symbol, subjects), self.p("cooldown_ns")):
            return
        self.raise_alert(
            symbol,
            subjects,
            {
                "link": link,
                "trade_id": event["trade_id"],
                "trade_seq": self.tape.seq,
                "price_ticks": event["price_ticks"],
                "quantity_lots": event["quantity_lots"],
                "maker_order_id": event["maker_order_id"],
                "taker_order_id": event["taker_order_id"],
            },
        )


class OperatorLinkedAccount(Detector):
    """Orders from accounts linked to the venue's restricted (operator or affiliate) accounts."""

    name: ClassVar[str] = "operator.linked_account"
    version: ClassVar[int] = 1
    alert_type: ClassVar[AlertType] = AlertType.OPERATOR_TRADING
    exact: ClassVar[bool] = True
    defaults: ClassVar[dict[str, ParameterValue]] = {"cooldown_ns": 600_000_000_000}

    def handlers(self) -> dict[str, Handler]:
        return {"venue.accepted": self._accepted}

    def _accepted(self, event: Event) -> None:
        tape = self.tape
        if not tape.restricted:
            return
        account = event["account_id"]
        if account not in tape.links:
            return
        linked = tape.restricted_links(account)
        if not linked:
            return
        if not self.cooled(account, self.p("cooldown_ns")):
            return
        roles = sorted({tape.restricted[other] for other in linked})
        self.raise_alert(
            event["symbol"],
            sorted({account, *linked}),
            {
                "link": tape.links.reasons(account),
                "order_id": event["order_id"],
                "order_seq": tape.seq,
                "side": event["side"],
                "price_ticks": event["price_ticks"],
                "quantity_lots": event["quantity_lots"],
                "restricted_roles": tuple(roles),
            },
        )
