"""Forward-only migrations. ``PRAGMA user_version`` is the index of the last applied one.

Timestamps are ISO-8601 UTC text (see ``app.core.clock.iso``). Prices are
American odds (integers). Never edit a migration that has shipped: append one.
"""

from __future__ import annotations

# Migration 8 keeps the daemon's heartbeats this compactly (they are its literals: a shipped
# migration never changes; app/storage/read/rewind.py reads the history by them).
DAEMON_SILENCE_S = 15
DAEMON_BEAT_KEPT_S = 60


def _history_triggers(
    source: str,
    history: str,
    *,
    key: str,
    copied: str,
    renamed: dict[str, str] | None = None,
    only_changes: bool = False,
) -> str:
    """The two triggers that copy each insert and update of ``source`` into ``history``.

    History rows carry the ``key`` columns, ``at`` (the write's ``updated_at``) and the
    ``copied`` columns; ``renamed`` maps a history column to the source column it copies.
    With ``only_changes`` an update that leaves every copied column as it was adds no row.
    """
    names = {"at": "updated_at", **(renamed or {})}
    columns = [*key.split(), "at", *copied.split()]
    values = ", ".join(f"NEW.{names.get(c, c)}" for c in columns)
    copy = f"INSERT INTO {history} ({', '.join(columns)}) VALUES ({values});"
    when = ""
    if only_changes:
        changed = (f"NEW.{names.get(c, c)} IS NOT OLD.{names.get(c, c)}" for c in copied.split())
        when = f" WHEN {' OR '.join(changed)}"
    return (
        f"CREATE TRIGGER {history}_on_insert AFTER INSERT ON {source} BEGIN {copy} END;\n"
        f"CREATE TRIGGER {history}_on_update AFTER UPDATE ON {source}{when} BEGIN {copy} END;\n"
    )


MIGRATIONS: list[str] = [
    # 1: the whole first schema
    """
    CREATE TABLE games (
        game_pk        INTEGER PRIMARY KEY,
        official_date  TEXT NOT NULL,
        start_time     TEXT NOT NULL,
        away_team_id   INTEGER NOT NULL,
        away_team      TEXT NOT NULL,
        home_team_id   INTEGER NOT NULL,
        home_team      TEXT NOT NULL,
        abstract_state TEXT NOT NULL,          -- Preview / Live / Final
        status_code    TEXT NOT NULL,          -- codedGameState: S P I M N D C F O T U
        status         TEXT NOT NULL,          -- detailedState, for people
        inning         INTEGER,
        inning_half    TEXT,                   -- Top / Bottom / Middle / End
        away_score     INTEGER,
        home_score     INTEGER,
        double_header  TEXT NOT NULL DEFAULT 'N',
        game_number    INTEGER NOT NULL DEFAULT 1,
        odds_event_id  TEXT UNIQUE,            -- The Odds API event matched to this game
        updated_at     TEXT NOT NULL
    );
    CREATE INDEX games_by_date ON games(official_date, start_time);

    -- The current line per (event, book, market, outcome); odds_moves keeps history.
    CREATE TABLE odds_latest (
        event_id     TEXT NOT NULL,
        book         TEXT NOT NULL,
        market       TEXT NOT NULL,            -- h2h / spreads / totals
        outcome      TEXT NOT NULL,            -- team name, Over, Under
        price        INTEGER NOT NULL,         -- American odds
        point        REAL,                     -- spreads and totals only
        book_title   TEXT NOT NULL,
        observed_at  TEXT NOT NULL,
        PRIMARY KEY (event_id, book, market, outcome)
    ) WITHOUT ROWID;

    -- A row only when a price or a point changed.
    CREATE TABLE odds_moves (
        id              INTEGER PRIMARY KEY,
        event_id        TEXT NOT NULL,
        book            TEXT NOT NULL,
        market          TEXT NOT NULL,
        outcome         TEXT NOT NULL,
        price           INTEGER NOT NULL,
        point           REAL,
        book_updated_at TEXT,
        observed_at     TEXT NOT NULL,
        run_id          INTEGER
    );
    CREATE INDEX odds_moves_by_key ON odds_moves(event_id, market, book, outcome, id);

    CREATE TABLE odds_events (
        event_id       TEXT PRIMARY KEY,
        commence_time  TEXT NOT NULL,
        home_team      TEXT NOT NULL,
        away_team      TEXT NOT NULL,
        official_date  TEXT NOT NULL,
        game_pk        INTEGER,
        updated_at     TEXT NOT NULL
    );
    CREATE INDEX odds_events_by_date ON odds_events(official_date);

    -- Consensus fair probability per line (like points only).
    CREATE TABLE fair_prices (
        event_id      TEXT NOT NULL,
        market        TEXT NOT NULL,
        outcome       TEXT NOT NULL,
        point         REAL NOT NULL DEFAULT 0,
        fair_prob     REAL NOT NULL,
        fair_american INTEGER NOT NULL,
        books         INTEGER NOT NULL,
        method        TEXT NOT NULL,
        computed_at   TEXT NOT NULL,
        run_id        INTEGER,
        PRIMARY KEY (event_id, market, outcome, point)
    ) WITHOUT ROWID;

    CREATE TABLE value_bets (
        event_id      TEXT NOT NULL,
        market        TEXT NOT NULL,
        outcome       TEXT NOT NULL,
        point         REAL NOT NULL DEFAULT 0,
        book          TEXT NOT NULL,
        official_date TEXT NOT NULL,
        game_pk       INTEGER,
        price         INTEGER NOT NULL,
        fair_prob     REAL NOT NULL,
        edge          REAL NOT NULL,           -- EV per unit staked
        stake         REAL NOT NULL,           -- fractional Kelly, in bankroll units
        active        INTEGER NOT NULL DEFAULT 1,
        first_seen_at TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        run_id        INTEGER,
        PRIMARY KEY (event_id, market, outcome, point, book)
    ) WITHOUT ROWID;
    CREATE INDEX value_bets_by_date ON value_bets(official_date, active);

    CREATE TABLE runs (
        id            INTEGER PRIMARY KEY,
        trigger       TEXT NOT NULL,           -- schedule / cli / break-glass / request
        slate_date    TEXT NOT NULL,
        outcome       TEXT NOT NULL,  -- running / ok / degraded / failed / skipped / abandoned
        reason        TEXT,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        owner_host    TEXT NOT NULL,
        owner_pid     INTEGER NOT NULL,
        lease_token   INTEGER,
        credits_used  INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX runs_by_start ON runs(started_at);

    CREATE TABLE run_stages (
        run_id        INTEGER NOT NULL REFERENCES runs(id),
        position      INTEGER NOT NULL,
        name          TEXT NOT NULL,           -- schedule / odds / match / analytics / record
        status        TEXT NOT NULL,           -- running / ok / degraded / failed / skipped
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        duration_ms   REAL,
        error_kind    TEXT,
        error_summary TEXT,
        detail        TEXT,
        PRIMARY KEY (run_id, name)
    );

    CREATE TABLE source_health (
        source               TEXT PRIMARY KEY, -- mlb / odds
        circuit_state        TEXT NOT NULL DEFAULT 'closed',  -- closed / open / half_open
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        opened_at            TEXT,
        last_error_kind      TEXT,
        last_error           TEXT,
        last_error_at        TEXT,
        last_success_at      TEXT,
        latency_ms           REAL,
        quota_remaining      INTEGER,
        quota_used           INTEGER,
        quota_last           INTEGER,
        quota_updated_at     TEXT,
        updated_at           TEXT NOT NULL
    );

    CREATE TABLE system_mode (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        mode    TEXT NOT NULL CHECK (mode IN ('auto', 'paused', 'halted')),
        set_by  TEXT NOT NULL,
        set_at  TEXT NOT NULL,
        reason  TEXT NOT NULL
    );

    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        action      TEXT NOT NULL,
        target      TEXT,
        reason      TEXT,
        outcome     TEXT NOT NULL,
        detail      TEXT,
        login_user  TEXT,
        sudo_user   TEXT,
        ssh_client  TEXT,
        tty         TEXT,
        pid         INTEGER,
        host        TEXT,
        app_version TEXT,
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL
    );
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

    CREATE TABLE admin_key (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        algorithm  TEXT NOT NULL,
        params     TEXT NOT NULL,              -- JSON: n, r, p, dklen
        salt       BLOB NOT NULL,
        verifier   BLOB NOT NULL,
        set_at     TEXT NOT NULL,
        set_by     TEXT NOT NULL
    );

    CREATE TABLE auth_failures (
        id     INTEGER PRIMARY KEY,
        at     TEXT NOT NULL,
        action TEXT NOT NULL,
        who    TEXT NOT NULL,
        host   TEXT NOT NULL,
        pid    INTEGER NOT NULL
    );
    CREATE INDEX auth_failures_by_at ON auth_failures(at);

    CREATE TABLE auth_lockout (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        locked_until TEXT,
        cleared_at   TEXT                      -- failures before this no longer count
    );

    CREATE TABLE control_requests (
        id           INTEGER PRIMARY KEY,
        action       TEXT NOT NULL,            -- execute
        reason       TEXT,
        requested_at TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        status       TEXT NOT NULL,            -- pending / taken / done / failed / expired
        taken_at     TEXT,
        finished_at  TEXT,
        run_id       INTEGER
    );

    CREATE TABLE daemon_state (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        host         TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        started_at   TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL,
        next_run_at  TEXT,
        stopped_at   TEXT
    );

    CREATE TABLE alerts (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL,
        dedupe_key  TEXT NOT NULL,
        subject     TEXT NOT NULL,
        body        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        status      TEXT NOT NULL,             -- pending / sent / failed / suppressed
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        sent_at     TEXT
    );
    CREATE INDEX alerts_by_key ON alerts(dedupe_key, created_at);

    CREATE TABLE lease (
        name         TEXT PRIMARY KEY,         -- 'pipeline'
        owner_host   TEXT,
        owner_pid    INTEGER,
        token        INTEGER NOT NULL DEFAULT 0,  -- fencing token, only ever grows
        run_id       INTEGER,
        acquired_at  TEXT,
        heartbeat_at TEXT,
        expires_at   TEXT
    );
    INSERT INTO lease (name, token) VALUES ('pipeline', 0);
    """,
    # security: admin-key attempts reserved before the key is checked, locks per scope
    # (one origin, or every origin), and how the database was created (demo or not).
    """
    CREATE TABLE auth_attempts (
        id      INTEGER PRIMARY KEY,
        at      TEXT NOT NULL,
        action  TEXT NOT NULL,
        origin  TEXT NOT NULL,                 -- login user, sudo user, SSH client
        who     TEXT NOT NULL,
        host    TEXT NOT NULL,
        pid     INTEGER NOT NULL,
        result  TEXT NOT NULL DEFAULT 'pending'  -- pending / wrong / right
    );
    CREATE INDEX auth_attempts_by_at ON auth_attempts(at);
    CREATE INDEX auth_attempts_by_origin ON auth_attempts(origin, at);

    CREATE TABLE auth_locks (
        scope        TEXT PRIMARY KEY,         -- 'global' or 'origin:<origin>'
        locked_until TEXT,
        cleared_after INTEGER NOT NULL DEFAULT 0  -- attempts up to this id no longer count
    );
    -- Failures and a lockout recorded by the first schema keep counting, globally.
    INSERT INTO auth_attempts (at, action, origin, who, host, pid, result)
        SELECT at, action, who, who, host, pid, 'wrong' FROM auth_failures ORDER BY id;
    INSERT INTO auth_locks (scope, locked_until, cleared_after)
        SELECT 'global', locked_until, (SELECT coalesce(max(a.id), 0) FROM auth_attempts a
            WHERE a.at < coalesce(auth_lockout.cleared_at, ''))
        FROM auth_lockout WHERE id = 1;

    CREATE TABLE db_meta (
        key   TEXT PRIMARY KEY,                -- 'created_for': 'demo' or 'production'
        value TEXT NOT NULL
    );
    """,
    # slate semantics that follow MLB: status vocabulary, make-up dates, TBD starts,
    # and the second day a game is listed on (postponed: its original day).
    """
    ALTER TABLE games ADD COLUMN status_category TEXT NOT NULL DEFAULT '';
    ALTER TABLE games ADD COLUMN status_reason TEXT;
    ALTER TABLE games ADD COLUMN reschedule_date TEXT;
    ALTER TABLE games ADD COLUMN start_tbd INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE games ADD COLUMN also_on TEXT;
    CREATE INDEX games_by_also_on ON games(also_on);
    """,
    # what the analytics stage judged of every book's price, so that no reader recomputes it
    """
    -- One row per (event, market, outcome, point, book) of a line the analytics priced or
    -- ranked; replaced per event by each run that evaluated it. point is 0 for h2h.
    CREATE TABLE price_edges (
        event_id    TEXT NOT NULL,
        market      TEXT NOT NULL,
        outcome     TEXT NOT NULL,
        point       REAL NOT NULL DEFAULT 0,
        book        TEXT NOT NULL,
        price       INTEGER NOT NULL,          -- the American price that was judged
        fair_prob   REAL,                      -- consensus of the other books; NULL: too few
        edge        REAL,                      -- EV per unit staked at price against fair_prob
        is_value    INTEGER NOT NULL DEFAULT 0,
        is_best     INTEGER NOT NULL DEFAULT 0, -- the best price of this outcome at this line
        computed_at TEXT NOT NULL,
        run_id      INTEGER,
        PRIMARY KEY (event_id, market, outcome, point, book)
    ) WITHOUT ROWID;
    """,
    # Issue 11: what the analytics made of each price (stale, in play, outlier...), one bet
    # per outcome and line with the other books as alternatives, and bets closed at first pitch.
    """
    ALTER TABLE price_edges ADD COLUMN verdict TEXT NOT NULL DEFAULT 'judged';
    ALTER TABLE price_edges ADD COLUMN note TEXT;
    ALTER TABLE value_bets ADD COLUMN alternatives TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE value_bets ADD COLUMN closed_reason TEXT;
    ALTER TABLE value_bets ADD COLUMN closed_at TEXT;
    """,
    # closing-line value: every flagged bet's closing fair price and same-book price
    """
    -- One row per value bet (same key as value_bets) whose game has started: the bet as
    -- flagged, and the line at first pitch (the last line move observed before it).
    CREATE TABLE bet_closes (
        event_id        TEXT NOT NULL,
        market          TEXT NOT NULL,
        outcome         TEXT NOT NULL,
        point           REAL NOT NULL DEFAULT 0,
        book            TEXT NOT NULL,
        official_date   TEXT NOT NULL,
        game_pk         INTEGER,
        flagged_at      TEXT NOT NULL,         -- value_bets.first_seen_at
        price           INTEGER NOT NULL,      -- the flagged American price
        fair_prob       REAL NOT NULL,         -- fair probability when flagged
        edge            REAL NOT NULL,
        stake           REAL NOT NULL,
        closed_at       TEXT NOT NULL,         -- first pitch
        close_fair_prob REAL,                  -- same method and reference; NULL: no line
        close_price     INTEGER,               -- the same book at first pitch; NULL: not quoted
        close_books     INTEGER NOT NULL DEFAULT 0,
        method          TEXT NOT NULL,
        recorded_at     TEXT NOT NULL,
        run_id          INTEGER,
        PRIMARY KEY (event_id, market, outcome, point, book)
    ) WITHOUT ROWID;
    CREATE INDEX bet_closes_by_date ON bet_closes(official_date);
    """,
    # Rewind (issue 13): what the desk showed at any moment. Each history row is written by
    # a trigger in the transaction of the current-state write it copies, so no writer can
    # forget one and no run commits twice. Mode changes are not copied: every override is
    # in audit_log with its time, target and reason. Line prices are odds_moves; a line a
    # book pulled (gone from odds_latest) is in odds_pulls; the analytics' judgements (kept
    # by app/storage/judgement_history.py, not a trigger: only what changed is a row).
    """
    -- Retries of the source's last fetch (attempts after the first).
    ALTER TABLE source_health ADD COLUMN last_retries INTEGER;

    -- Every write of a source's row, as it stood after that write.
    CREATE TABLE source_health_history (
        id                   INTEGER PRIMARY KEY,
        source               TEXT NOT NULL,
        at                   TEXT NOT NULL,    -- source_health.updated_at of the write
        circuit_state        TEXT NOT NULL,
        consecutive_failures INTEGER NOT NULL,
        opened_at            TEXT,
        last_error_kind      TEXT,
        last_error           TEXT,
        last_error_at        TEXT,
        last_success_at      TEXT,
        latency_ms           REAL,
        retries              INTEGER,
        quota_remaining      INTEGER,
        quota_used           INTEGER,
        quota_last           INTEGER,
        quota_updated_at     TEXT
    );
    CREATE INDEX source_health_history_by_at ON source_health_history(source, at, id);
    """
    + _history_triggers(
        "source_health",
        "source_health_history",
        key="source",
        copied="circuit_state consecutive_failures opened_at last_error_kind last_error "
        "last_error_at last_success_at latency_ms retries quota_remaining quota_used "
        "quota_last quota_updated_at",
        renamed={"retries": "last_retries"},
    )
    + """

    -- A game as it stood from ``at`` on: one row when it is first stored and one per
    -- change of anything the desk shows (status, score, inning, start, pairing).
    CREATE TABLE game_history (
        id              INTEGER PRIMARY KEY,
        game_pk         INTEGER NOT NULL,
        at              TEXT NOT NULL,         -- games.updated_at of the write
        official_date   TEXT,
        start_time      TEXT,
        away_team_id    INTEGER,
        away_team       TEXT,
        home_team_id    INTEGER,
        home_team       TEXT,
        abstract_state  TEXT,
        status_code     TEXT,
        status          TEXT,
        inning          INTEGER,
        inning_half     TEXT,
        away_score      INTEGER,
        home_score      INTEGER,
        double_header   TEXT,
        game_number     INTEGER,
        odds_event_id   TEXT,
        status_category TEXT,
        status_reason   TEXT,
        reschedule_date TEXT,
        start_tbd       INTEGER,
        also_on         TEXT
    );
    CREATE INDEX game_history_by_game ON game_history(game_pk, at, id);
    CREATE INDEX game_history_by_date ON game_history(official_date);
    """
    + _history_triggers(
        "games",
        "game_history",
        key="game_pk",
        copied="official_date start_time away_team_id away_team home_team_id home_team "
        "abstract_state status_code status inning inning_half away_score home_score "
        "double_header game_number odds_event_id status_category status_reason "
        "reschedule_date start_tbd also_on",
        only_changes=True,
    )
    + """

    -- Every write of a value bet, as it stood after that write (the edge moves each run).
    CREATE TABLE value_bet_history (
        id            INTEGER PRIMARY KEY,
        at            TEXT NOT NULL,           -- value_bets.updated_at of the write
        event_id      TEXT NOT NULL,
        market        TEXT NOT NULL,
        outcome       TEXT NOT NULL,
        point         REAL NOT NULL,
        book          TEXT NOT NULL,
        official_date TEXT NOT NULL,
        game_pk       INTEGER,
        price         INTEGER NOT NULL,
        fair_prob     REAL NOT NULL,
        edge          REAL NOT NULL,
        stake         REAL NOT NULL,
        alternatives  TEXT NOT NULL,
        active        INTEGER NOT NULL,
        first_seen_at TEXT NOT NULL,
        closed_reason TEXT,
        closed_at     TEXT,
        run_id        INTEGER
    );
    CREATE INDEX value_bet_history_by_date ON value_bet_history(official_date, at);
    """
    + _history_triggers(
        "value_bets",
        "value_bet_history",
        key="event_id market outcome point book",
        copied="official_date game_pk price fair_prob edge stake alternatives active "
        "first_seen_at closed_reason closed_at run_id",
    )
    + """

    -- A line a book stopped quoting (it left odds_latest) at the fetch that saw it gone.
    CREATE TABLE odds_pulls (
        id          INTEGER PRIMARY KEY,
        event_id    TEXT NOT NULL,
        book        TEXT NOT NULL,
        market      TEXT NOT NULL,
        outcome     TEXT NOT NULL,
        observed_at TEXT NOT NULL,
        run_id      INTEGER
    );
    CREATE INDEX odds_pulls_by_key ON odds_pulls(event_id, market, book, outcome, id);

    -- The analytics' judgements as they stood from valid_from to valid_to (NULL: still).
    -- A run that judges a line the same leaves its row open; a change closes it and opens
    -- a new one (app/storage/judgement_history.py). Seeded with the current judgements.
    CREATE TABLE fair_price_history (
        id            INTEGER PRIMARY KEY,
        event_id      TEXT NOT NULL,
        market        TEXT NOT NULL,
        outcome       TEXT NOT NULL,
        point         REAL NOT NULL,
        fair_prob     REAL NOT NULL,
        fair_american INTEGER NOT NULL,
        books         INTEGER NOT NULL,
        method        TEXT NOT NULL,
        valid_from    TEXT NOT NULL,
        valid_to      TEXT
    );
    CREATE INDEX fair_price_history_by_event ON fair_price_history(event_id, valid_from);
    CREATE INDEX fair_price_history_open ON fair_price_history(event_id, market, outcome, point)
        WHERE valid_to IS NULL;
    INSERT INTO fair_price_history (event_id, market, outcome, point, fair_prob, fair_american,
        books, method, valid_from)
        SELECT event_id, market, outcome, point, fair_prob, fair_american, books, method,
            computed_at FROM fair_prices;
    CREATE TABLE price_edge_history (
        id          INTEGER PRIMARY KEY,
        event_id    TEXT NOT NULL,
        market      TEXT NOT NULL,
        outcome     TEXT NOT NULL,
        point       REAL NOT NULL,
        book        TEXT NOT NULL,
        price       INTEGER NOT NULL,
        fair_prob   REAL,
        edge        REAL,
        is_value    INTEGER NOT NULL,
        is_best     INTEGER NOT NULL,
        verdict     TEXT NOT NULL,
        note        TEXT,
        valid_from  TEXT NOT NULL,
        valid_to    TEXT
    );
    CREATE INDEX price_edge_history_by_event ON price_edge_history(event_id, valid_from);
    CREATE INDEX price_edge_history_open ON price_edge_history(
        event_id, market, outcome, point, book) WHERE valid_to IS NULL;
    INSERT INTO price_edge_history (event_id, market, outcome, point, book, price, fair_prob,
        edge, is_value, is_best, verdict, note, valid_from)
        SELECT event_id, market, outcome, point, book, price, fair_prob, edge, is_value,
            is_best, verdict, note, computed_at FROM price_edges;
    """,  # 8: rewind of the daemon and of lockouts (what the desk's header and health said then).
    # Both histories are written by triggers in the transaction of the change they copy.
    """
    -- The daemon as it stood from ``at`` on. Bounded: a row at each start, stop and change
    -- of the next run; one per 60 s of steady beating (DAEMON_BEAT_KEPT_S); and the two beats
    -- around a silence longer than 15 s (DAEMON_SILENCE_S; the default heartbeat is 10 s), the
    -- one before it kept as 'before-silence', the one after as 'after-silence'. With the
    -- default 10 s heartbeat and 300 s interval that is about 1,700 rows a day, not 8,640.
    -- Between two kept rows of a steady stretch the daemon beat less than 15 s before any
    -- moment (app/storage/read/rewind.py: daemon_at).
    CREATE TABLE daemon_history (
        id           INTEGER PRIMARY KEY,
        at           TEXT NOT NULL,            -- the beat (or the stop) the row copies
        host         TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        started_at   TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL,
        next_run_at  TEXT,
        stopped_at   TEXT,
        kept         TEXT NOT NULL             -- change / beat / before-silence / after-silence
    );
    CREATE INDEX daemon_history_by_at ON daemon_history(at, id);
    INSERT INTO daemon_history (at, host, pid, started_at, heartbeat_at, next_run_at,
        stopped_at, kept)
        SELECT coalesce(stopped_at, heartbeat_at), host, pid, started_at, heartbeat_at,
            next_run_at, stopped_at, 'change' FROM daemon_state;
    CREATE TRIGGER daemon_history_on_insert AFTER INSERT ON daemon_state BEGIN
        INSERT INTO daemon_history (at, host, pid, started_at, heartbeat_at, next_run_at,
            stopped_at, kept)
        VALUES (coalesce(NEW.stopped_at, NEW.heartbeat_at), NEW.host, NEW.pid, NEW.started_at,
            NEW.heartbeat_at, NEW.next_run_at, NEW.stopped_at, 'change');
    END;
    CREATE TRIGGER daemon_history_on_update AFTER UPDATE ON daemon_state BEGIN
        INSERT INTO daemon_history (at, host, pid, started_at, heartbeat_at, next_run_at,
            stopped_at, kept)
        SELECT OLD.heartbeat_at, OLD.host, OLD.pid, OLD.started_at, OLD.heartbeat_at,
            OLD.next_run_at, OLD.stopped_at, 'before-silence'
        WHERE OLD.stopped_at IS NULL
            AND round((julianday(NEW.heartbeat_at) - julianday(OLD.heartbeat_at)) * 86400, 3) > 15
            AND (SELECT heartbeat_at FROM daemon_history ORDER BY id DESC LIMIT 1)
                IS NOT OLD.heartbeat_at;
        INSERT INTO daemon_history (at, host, pid, started_at, heartbeat_at, next_run_at,
            stopped_at, kept)
        SELECT coalesce(NEW.stopped_at, NEW.heartbeat_at), NEW.host, NEW.pid, NEW.started_at,
            NEW.heartbeat_at, NEW.next_run_at, NEW.stopped_at,
            CASE WHEN OLD.stopped_at IS NULL AND NEW.stopped_at IS NULL AND round(
                    (julianday(NEW.heartbeat_at) - julianday(OLD.heartbeat_at)) * 86400, 3) > 15
                THEN 'after-silence'
                WHEN NEW.host IS NOT OLD.host OR NEW.pid IS NOT OLD.pid
                    OR NEW.started_at IS NOT OLD.started_at
                    OR NEW.next_run_at IS NOT OLD.next_run_at
                    OR NEW.stopped_at IS NOT OLD.stopped_at THEN 'change'
                ELSE 'beat' END
        WHERE NEW.host IS NOT OLD.host OR NEW.pid IS NOT OLD.pid
            OR NEW.started_at IS NOT OLD.started_at OR NEW.next_run_at IS NOT OLD.next_run_at
            OR NEW.stopped_at IS NOT OLD.stopped_at
            OR round((julianday(NEW.heartbeat_at) - julianday(OLD.heartbeat_at)) * 86400, 3) > 15
            OR round((julianday(NEW.heartbeat_at) - julianday(
                (SELECT heartbeat_at FROM daemon_history ORDER BY id DESC LIMIT 1))) * 86400, 3)
                >= 60;
    END;

    -- A lockout's start and end: a row each time a scope's locked_until changes (a lock, an
    -- unlock, a right key clearing its origin), at changed_at, the time of that change.
    -- Locks of before this history start at '' (their start was not kept).
    ALTER TABLE auth_locks ADD COLUMN changed_at TEXT;
    CREATE TABLE auth_lock_history (
        id           INTEGER PRIMARY KEY,
        scope        TEXT NOT NULL,
        at           TEXT NOT NULL,
        locked_until TEXT                      -- NULL: unlocked from ``at`` on
    );
    CREATE INDEX auth_lock_history_by_at ON auth_lock_history(at, id);
    INSERT INTO auth_lock_history (scope, at, locked_until)
        SELECT scope, '', locked_until FROM auth_locks WHERE locked_until IS NOT NULL;
    CREATE TRIGGER auth_lock_history_on_insert AFTER INSERT ON auth_locks
        WHEN NEW.locked_until IS NOT NULL BEGIN
        INSERT INTO auth_lock_history (scope, at, locked_until)
        VALUES (NEW.scope, coalesce(NEW.changed_at, ''), NEW.locked_until);
    END;
    CREATE TRIGGER auth_lock_history_on_update AFTER UPDATE ON auth_locks
        WHEN NEW.locked_until IS NOT OLD.locked_until BEGIN
        INSERT INTO auth_lock_history (scope, at, locked_until)
        VALUES (NEW.scope, coalesce(NEW.changed_at, ''), NEW.locked_until);
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
