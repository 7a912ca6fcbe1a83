"""The read side: frozen read models (``models``) and one loader module per screen or fact.

``models`` imports no SQL driver, so the desk can hold these values without
reaching storage; the loaders (``games``, ``value_bets``, ``runs``, ``events``,
``game_detail``, ``audit``, ``dashboard``) read inside one ``db.read()`` snapshot
each, and ``desk_data.StoredDeskData`` is the desk's ``DeskData`` over a ``Database``.
Nothing here computes analytics: edges, fair prices and best prices are the ones
the pipeline stored (``price_edges``, ``fair_prices``, ``value_bets``).
"""
