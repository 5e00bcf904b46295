"""One contract, every backend: what core's services may rely on from any store."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.models import (
    ChatMessage,
    ExerciseSet,
    ExerciseTemplate,
    HevyCredential,
    LoggedSet,
    LoginToken,
    OutboxMessage,
    OutboxStatus,
    Plan,
    PlanStatus,
    RoutineLink,
    SetType,
    SyncState,
    TokenPurpose,
    Units,
    Usage,
    User,
    UserStatus,
    Workout,
    WorkoutExercise,
    utcnow,
)
from core.ports import Store
from storage.sqlite.schema import LATEST as SQLITE_LATEST
from tests.backends import StoreOpener

T0 = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)


def workout(wid: str, day: int, *exercises: tuple[str, list[tuple[float, int]]]) -> Workout:
    return Workout(
        id=wid,
        title=f"Session {wid}",
        start_time=T0 + timedelta(days=day),
        end_time=T0 + timedelta(days=day, hours=1),
        exercises=[
            WorkoutExercise(
                index=i,
                template_id=template,
                title=template,
                sets=[
                    ExerciseSet(index=j, type=SetType.NORMAL, weight_kg=w, reps=r)
                    for j, (w, r) in enumerate(sets)
                ],
            )
            for i, (template, sets) in enumerate(exercises)
        ],
    )


def outbox_message(user_id: int, key: str, at: datetime = T0) -> OutboxMessage:
    return OutboxMessage(
        id=uuid.uuid4().hex,
        user_id=user_id,
        chat_id=user_id,
        text=f"message {key}",
        dedupe_key=key,
        next_attempt_at=at,
        created_at=at,
    )


async def test_users_round_trip_and_filter_by_status(store: Store) -> None:
    alice = User(id=1, name="Alice", chat_id=11)
    bob = User(id=2, name="Bob", status=UserStatus.INACTIVE)
    await store.users.put(alice)
    await store.users.put(bob)
    assert await store.users.get(1) == alice
    assert await store.users.get(3) is None
    assert [u.id for u in await store.users.list(UserStatus.ACTIVE)] == [1]
    assert [u.id for u in await store.users.list()] == [1, 2]
    alice.preferences.days_per_week = 4
    await store.users.put(alice)
    assert (await store.users.get(1)).preferences.days_per_week == 4
    assert await store.users.count() == 2


async def test_a_user_update_changes_only_the_named_fields_and_never_creates_one(
    store: Store,
) -> None:
    alice = User(
        id=1, name="Alice", coaching_notes=["knee"], preferences={"reminder_time": time(6)}
    )
    await store.users.put(alice)  # a reminder (a time of day) is kept by every store
    assert await store.users.get(1) == alice
    updated = await store.users.update(
        1, {"units": Units.LB, "preferences": {"reminder_time": time(7, 30), "days_per_week": 4}}
    )
    assert updated == await store.users.get(1)
    assert (updated.units, updated.name, updated.coaching_notes) == (Units.LB, "Alice", ["knee"])
    assert (updated.preferences.reminder_time, updated.preferences.days_per_week) == (
        time(7, 30),
        4,
    )
    assert updated.preferences.session_minutes == 60
    await store.users.update(1, {"status": UserStatus.INACTIVE})
    assert [u.id for u in await store.users.list(UserStatus.INACTIVE)] == [1]
    with pytest.raises(ValueError):
        await store.users.update(1, {"timezone": "Mars/Olympus"})
    assert (await store.users.get(1)).timezone == "UTC"
    await store.erase_user(1)
    assert await store.users.update(1, {"timezone": "Europe/Berlin"}) is None
    assert await store.users.get(1) is None
    assert await store.users.count() == 0


async def test_concurrent_user_updates_of_different_fields_both_land(
    open_store: StoreOpener,
) -> None:
    first, second = await open_store(), await open_store()  # two processes, one database
    await first.users.put(User(id=1))
    for n in range(10):
        zone = ("Europe/Berlin", "Asia/Tokyo")[n % 2]
        await asyncio.gather(
            first.users.update(1, {"units": (Units.LB, Units.KG)[n % 2]}),
            second.users.update(1, {"timezone": zone}),
            first.users.update(1, {"preferences": {"session_minutes": 45 + n}}),
            second.users.update(1, {"preferences": {"days_per_week": 1 + n % 7}}),
        )
        user = await first.users.get(1)
        assert (user.units, user.timezone) == ((Units.LB, Units.KG)[n % 2], zone)
        assert (user.preferences.session_minutes, user.preferences.days_per_week) == (
            45 + n,
            1 + n % 7,
        )


async def test_credentials_put_get_delete(store: Store) -> None:
    credential = HevyCredential(user_id=7, ciphertext="v1.abc.xyz", hevy_name="Ann")
    await store.credentials.put(credential)
    assert await store.credentials.get(7) == credential
    await store.credentials.delete(7)
    assert await store.credentials.get(7) is None


async def test_workouts_upsert_replaces_by_id_and_lists_by_start_time(store: Store) -> None:
    late = workout("w2", 7, ("BENCH", [(80.0, 8), (80.0, 7)]))
    early = workout("w1", 0, ("BENCH", [(77.5, 8)]), ("SQUAT", [(100.0, 5)]))
    await store.workouts.upsert(1, [late, early])  # Hevy lists by creation time, not start
    assert [w.id for w in await store.workouts.list(1)] == ["w1", "w2"]

    edited = workout("w1", 0, ("SQUAT", [(102.5, 5)]))
    await store.workouts.upsert(1, [edited])
    assert await store.workouts.get(1, "w1") == edited
    assert await store.workouts.count(1) == 2
    rows = await store.workouts.sets(1)
    assert [(r.workout_id, r.template_id, r.weight_kg) for r in rows] == [
        ("w1", "SQUAT", 102.5),
        ("w2", "BENCH", 80.0),
        ("w2", "BENCH", 80.0),
    ]


async def test_sets_query_filters_by_window_and_exercise(store: Store) -> None:
    await store.workouts.upsert(
        1,
        [
            workout("a", 0, ("BENCH", [(60.0, 10)]), ("ROW", [(50.0, 10)])),
            workout("b", 10, ("BENCH", [(62.5, 10)])),
            workout("c", 20, ("BENCH", [(65.0, 10)])),
        ],
    )
    window = await store.workouts.sets(1, T0 + timedelta(days=5), T0 + timedelta(days=20))
    assert [r.workout_id for r in window] == ["b"]
    bench = await store.workouts.sets(1, template_id="BENCH")
    assert [r.weight_kg for r in bench] == [60.0, 62.5, 65.0]
    assert bench[0].start_time == T0
    assert [w.id for w in await store.workouts.list(1, end=T0 + timedelta(days=10))] == ["a"]


async def test_recent_pages_newest_first_by_exercise_and_user(store: Store) -> None:
    await store.workouts.upsert(
        1,
        [
            workout("a", 0, ("BENCH", [(60.0, 10)]), ("ROW", [(50.0, 10)])),
            workout("b", 10, ("ROW", [(52.5, 10)])),
            workout("c", 20, ("BENCH", [(65.0, 10)])),
            workout("d", 30, ("SQUAT", [(100.0, 5)])),
        ],
    )
    await store.workouts.upsert(2, [workout("other", 25, ("BENCH", [(200.0, 1)]))])
    assert [w.id for w in await store.workouts.recent(1, limit=3)] == ["d", "c", "b"]
    older = await store.workouts.recent(1, before=T0 + timedelta(days=10), limit=3)
    assert [w.id for w in older] == ["a"]
    assert older[0].exercises[1].sets[0].weight_kg == 50.0
    bench = await store.workouts.recent(1, template_id="BENCH")
    assert [w.id for w in bench] == ["c", "a"]
    assert await store.workouts.recent(3) == []


async def test_start_times_are_the_workouts_own_in_the_window_oldest_first(
    store: Store,
) -> None:
    await store.workouts.upsert(
        1, [workout(w, day, ("BENCH", [(60.0, 10)])) for w, day in (("c", 20), ("a", 0), ("b", 10))]
    )
    await store.workouts.upsert(2, [workout("other", 5, ("BENCH", [(60.0, 10)]))])
    assert await store.workouts.start_times(1) == [
        w.start_time for w in await store.workouts.list(1)
    ]
    window = await store.workouts.start_times(1, T0 + timedelta(days=5), T0 + timedelta(days=20))
    assert window == [T0 + timedelta(days=10)]
    assert window[0].tzinfo is not None
    assert await store.workouts.start_times(3) == []


async def test_logged_sets_hold_the_same_values_as_the_validated_rows(store: Store) -> None:
    """Derivations over a whole log read unvalidated rows: they must say what `sets` says."""
    mixed = workout("m", 3, ("BENCH", [(40.0, 8), (82.5, 5)]), ("RUN", [(0.0, 0)]))
    mixed.exercises[0].sets[0].type = SetType.WARMUP
    mixed.exercises[0].sets[1].rpe = 8.5
    mixed.exercises[1].sets[0] = ExerciseSet(
        index=0, type=SetType.NORMAL, distance_m=5000.0, duration_s=1500
    )
    mixed.exercises[1].title = ""
    same_start = workout("a", 3, ("SQUAT", [(100.0, 5), (100.0, 5)]))
    await store.workouts.upsert(
        1,
        [workout("late", 9, ("ROW", [(60.0, 10)])), mixed, same_start,
         workout("first", 0, ("BENCH", [(80.0, 8)]))],
    )  # fmt: skip
    await store.workouts.upsert(2, [workout("other", 1, ("BENCH", [(200.0, 1)]))])
    validated = await store.workouts.sets(1)
    logged = await store.workouts.logged_sets(1)
    assert logged == [LoggedSet(**{f: getattr(r, f) for f in LoggedSet._fields}) for r in validated]
    assert len(logged) == 7
    assert [type(r.type) for r in logged] == [SetType] * 7
    assert logged[0].start_time == T0 and logged[0].start_time.tzinfo is not None
    assert await store.workouts.logged_sets(3) == []


async def test_working_set_counts_per_exercise_skip_warmups(store: Store) -> None:
    warm = workout("w0", 0, ("BENCH", [(40.0, 8), (80.0, 8)]), ("ROW", [(60.0, 10)]))
    warm.exercises[0].sets[0].type = SetType.WARMUP
    await store.workouts.upsert(1, [warm, workout("w1", 3, ("BENCH", [(80.0, 8), (80.0, 7)]))])
    await store.workouts.upsert(2, [workout("x", 1, ("SQUAT", [(100.0, 5)]))])
    assert await store.workouts.working_set_counts(1) == {"BENCH": 3, "ROW": 1}
    assert await store.workouts.working_set_counts(3) == {}


async def test_workouts_are_scoped_to_their_user(store: Store) -> None:
    await store.workouts.upsert(1, [workout("same-id", 0, ("BENCH", [(100.0, 1)]))])
    await store.workouts.upsert(2, [workout("same-id", 1, ("SQUAT", [(140.0, 1)]))])
    assert (await store.workouts.get(1, "same-id")).exercises[0].template_id == "BENCH"
    assert [r.template_id for r in await store.workouts.sets(2)] == ["SQUAT"]
    assert await store.workouts.delete(1, "same-id") is True
    assert await store.workouts.delete(1, "same-id") is False
    assert await store.workouts.get(2, "same-id") is not None
    assert await store.workouts.sets(1) == []


async def test_the_log_version_grows_with_every_change_to_that_users_log(store: Store) -> None:
    assert await store.workouts.version(1) == 0
    await store.workouts.upsert(1, [workout("w1", 0, ("BENCH", [(80.0, 8)]))])
    first = await store.workouts.version(1)
    await store.workouts.upsert(1, [workout("w1", 0, ("BENCH", [(82.5, 8)]))])  # an edit
    edited = await store.workouts.version(1)
    await store.workouts.delete(1, "w1")
    deleted = await store.workouts.version(1)
    assert 0 < first < edited < deleted
    assert await store.workouts.version(2) == 0, "another user's log is untouched"
    await store.erase_user(1)  # never back to an old number a cache might still hold
    assert await store.workouts.version(1) > deleted


async def test_templates_replace_the_whole_catalogue(store: Store) -> None:
    bench = ExerciseTemplate(
        id="79D0BB3A",
        title="Bench Press (Barbell)",
        primary_muscle_group="chest",
        secondary_muscle_groups=["triceps", "shoulders"],
        equipment="barbell",
    )
    custom = ExerciseTemplate(id="b7c1-uuid", title="Landmine Press", is_custom=True)
    await store.templates.replace_all(1, [bench, custom])
    assert await store.templates.get(1, "79D0BB3A") == bench
    assert len(await store.templates.list(1)) == 2
    await store.templates.replace_all(1, [custom])
    assert await store.templates.list(1) == [custom]
    assert await store.templates.get(1, "79D0BB3A") is None
    assert await store.templates.list(2) == []


async def test_plans_newest_first_and_never_across_users(store: Store) -> None:
    older = Plan(id="p1", user_id=1, title="Block 1", created_at=T0)
    newer = Plan(id="p2", user_id=1, title="Block 2", created_at=T0 + timedelta(days=30))
    await store.plans.put(older)
    await store.plans.put(newer)
    assert [p.id for p in await store.plans.list(1)] == ["p2", "p1"]
    newer.status = PlanStatus.ACTIVE
    newer.body = {"weeks": [{"days": []}]}
    await store.plans.put(newer)
    assert await store.plans.get(1, "p2") == newer
    assert await store.plans.get(2, "p2") is None


async def test_a_plan_moves_status_only_from_the_expected_one(store: Store) -> None:
    draft = Plan(id="p1", user_id=1, title="Block 1", body={"weeks": []}, created_at=T0)
    await store.plans.put(draft)
    draft_only = {PlanStatus.DRAFT}
    cancel, approve = {"status": PlanStatus.CANCELLED}, {"status": PlanStatus.APPROVED}
    assert await store.plans.update(2, "p1", draft_only, cancel, T0) is None
    assert await store.plans.update(1, "nope", draft_only, cancel, T0) is None
    moved = await store.plans.update(1, "p1", draft_only, approve, T0)
    assert moved == draft.model_copy(update={"status": PlanStatus.APPROVED, "updated_at": T0})
    assert await store.plans.get(1, "p1") == moved
    assert await store.plans.update(1, "p1", draft_only, cancel, T0) is None
    assert (await store.plans.get(1, "p1")).status == PlanStatus.APPROVED


async def test_a_plan_field_changes_alone_and_only_in_the_expected_status(store: Store) -> None:
    draft = Plan(id="p1", user_id=1, title="Block 1", body={"weeks": [{"days": []}]})
    await store.plans.put(draft)
    later = T0 + timedelta(minutes=1)
    changed = await store.plans.update(1, "p1", {PlanStatus.DRAFT}, {"preview_message_id": 7}, T0)
    assert changed == draft.model_copy(update={"preview_message_id": 7, "updated_at": T0})
    # Another field changed since: it keeps its value.
    await store.plans.update(1, "p1", {PlanStatus.DRAFT}, {"title": "Block 1b"}, later)
    stored = await store.plans.get(1, "p1")
    assert (stored.title, stored.preview_message_id, stored.updated_at) == ("Block 1b", 7, later)
    for wrong in ({"week": 0}, {"user_id": 2}, {"colour": "red"}):
        with pytest.raises(ValueError):
            await store.plans.update(1, "p1", {PlanStatus.DRAFT}, wrong, later)
    assert await store.plans.get(1, "p1") == stored
    assert await store.plans.update(1, "p1", {PlanStatus.ACTIVE}, {"title": "x"}, later) is None
    assert await store.plans.get(1, "p1") == stored


async def test_a_field_change_racing_an_approve_never_undoes_it(open_store: StoreOpener) -> None:
    first, second = await open_store(), await open_store()
    draft_only = {PlanStatus.DRAFT}
    for n in range(10):
        await first.plans.put(Plan(id=f"p{n}", user_id=1))
        await asyncio.gather(
            first.plans.update(1, f"p{n}", draft_only, {"preview_message_id": n}, T0),
            second.plans.update(1, f"p{n}", draft_only, {"status": PlanStatus.APPROVED}, T0),
        )
        assert (await first.plans.get(1, f"p{n}")).status == PlanStatus.APPROVED


async def test_a_cancel_and_an_approve_at_once_only_one_wins(open_store: StoreOpener) -> None:
    first, second = await open_store(), await open_store()
    draft_only = {PlanStatus.DRAFT}
    for n in range(10):
        await first.plans.put(Plan(id=f"p{n}", user_id=1))
        outcomes = await asyncio.gather(
            first.plans.update(1, f"p{n}", draft_only, {"status": PlanStatus.APPROVED}, T0),
            second.plans.update(1, f"p{n}", draft_only, {"status": PlanStatus.CANCELLED}, T0),
        )
        (winner,) = [plan for plan in outcomes if plan is not None]
        assert (await first.plans.get(1, f"p{n}")).status == winner.status


async def test_routine_links_record_intent_then_hevy_id(store: Store) -> None:
    await store.plans.put_link(1, RoutineLink(key="day-1", title="Spotter · Upper A"))
    pending = await store.plans.get_link(1, "day-1")
    assert pending.status == "pending" and pending.hevy_id is None
    await store.plans.put_link(
        1, pending.model_copy(update={"hevy_id": "r-123", "status": "created"})
    )
    assert (await store.plans.get_link(1, "day-1")).hevy_id == "r-123"
    assert [link.key for link in await store.plans.list_links(1)] == ["day-1"]
    assert await store.plans.get_link(2, "day-1") is None


async def test_conversation_appends_in_order_and_compacts(store: Store) -> None:
    stored = await store.conversations.append(
        1,
        [
            ChatMessage(role="user", content="How is my bench?"),
            ChatMessage(role="assistant", content=[{"type": "text", "text": "Up 5 kg."}]),
        ],
    )
    assert [m.seq for m in stored] == [1, 2]
    await store.conversations.append(1, [ChatMessage(role="user", content="And squat?")])
    await store.conversations.append(2, [ChatMessage(role="user", content="other user")])
    conversation = await store.conversations.load(1)
    assert [m.seq for m in conversation.messages] == [1, 2, 3]
    assert conversation.messages[1].content == [{"type": "text", "text": "Up 5 kg."}]

    await store.conversations.compact(1, "Bench went up 5 kg.", through_seq=2)
    compacted = await store.conversations.load(1)
    assert compacted.summary == "Bench went up 5 kg."
    assert [m.content for m in compacted.messages] == ["And squat?"]
    assert (await store.conversations.append(1, [ChatMessage(role="user", content="x")]))[
        0
    ].seq == 4
    assert (await store.conversations.load(2)).summary == ""


async def test_outbox_dedupes_claims_and_marks_sent_once(store: Store) -> None:
    assert await store.outbox.enqueue(outbox_message(1, "plan-p1-week-2")) is True
    assert await store.outbox.enqueue(outbox_message(1, "plan-p1-week-2")) is False
    await store.outbox.enqueue(outbox_message(1, "later", at=T0 + timedelta(hours=1)))
    assert await store.outbox.pending_count() == 2

    claimed = await store.outbox.claim_due(T0, owner="a", lease_seconds=30, limit=10)
    assert [m.dedupe_key for m in claimed] == ["plan-p1-week-2"]
    assert await store.outbox.claim_due(T0, owner="b", lease_seconds=30, limit=10) == []
    assert await store.outbox.mark_sent(claimed[0].id, T0) is True
    assert await store.outbox.mark_sent(claimed[0].id, T0) is False
    sent = await store.outbox.get(claimed[0].id)
    assert sent.status == OutboxStatus.SENT and sent.sent_at == T0
    assert await store.outbox.pending_count() == 1


async def test_outbox_claim_expires_and_retry_reschedules(store: Store) -> None:
    message = outbox_message(1, "k")
    await store.outbox.enqueue(message)
    assert len(await store.outbox.claim_due(T0, "a", lease_seconds=10, limit=5)) == 1
    # Owner "a" died: after its lease, another worker takes the message over.
    later = T0 + timedelta(seconds=11)
    assert len(await store.outbox.claim_due(later, "b", lease_seconds=10, limit=5)) == 1

    await store.outbox.retry_later(message.id, later + timedelta(seconds=5), "429 retry_after=5")
    again = await store.outbox.get(message.id)
    assert again.attempts == 1 and again.last_error == "429 retry_after=5"
    assert await store.outbox.claim_due(later, "c", 10, 5) == []
    assert len(await store.outbox.claim_due(later + timedelta(seconds=5), "c", 10, 5)) == 1

    await store.outbox.drop(message.id, "403 blocked")
    assert (await store.outbox.get(message.id)).status == OutboxStatus.DROPPED
    assert await store.outbox.mark_sent(message.id, later) is False


async def test_outbox_claims_oldest_first_up_to_the_limit(store: Store) -> None:
    for i in range(5):
        await store.outbox.enqueue(outbox_message(1, f"m{i}", at=T0 + timedelta(seconds=i)))
    first = await store.outbox.claim_due(T0 + timedelta(minutes=1), "a", 30, limit=3)
    second = await store.outbox.claim_due(T0 + timedelta(minutes=1), "b", 30, limit=3)
    assert [m.dedupe_key for m in first] == ["m0", "m1", "m2"]
    assert [m.dedupe_key for m in second] == ["m3", "m4"]


async def test_sync_state_defaults_then_persists(store: Store) -> None:
    assert await store.sync_state.get(5) == SyncState(user_id=5)
    state = SyncState(user_id=5, backfill_next_page=4, events_since=T0)
    await store.sync_state.put(state)
    assert await store.sync_state.get(5) == state


async def test_login_tokens_are_single_use_and_expire(store: Store) -> None:
    # Real time: MongoDB's TTL index deletes tokens whose expiry has passed.
    now = utcnow()
    token = LoginToken(
        token_hash="h1",
        purpose=TokenPurpose.LINK,
        user_id=9,
        expires_at=now + timedelta(minutes=15),
        created_at=now,
    )
    await store.login_tokens.create(token)
    assert await store.login_tokens.get("h1") == token
    used = await store.login_tokens.consume("h1", now, used_by=9)
    assert used.used_at == now and used.used_by == 9
    assert await store.login_tokens.consume("h1", now, used_by=9) is None

    short = LoginToken(
        token_hash="h2", purpose=TokenPurpose.INVITE, expires_at=now + timedelta(minutes=1)
    )
    await store.login_tokens.create(short)
    assert await store.login_tokens.consume("h2", now + timedelta(minutes=1), used_by=3) is None
    assert await store.login_tokens.consume("nope", now, used_by=3) is None
    assert await store.login_tokens.purge_expired(now + timedelta(minutes=16)) == 2
    assert await store.login_tokens.get("h1") is None


async def test_concurrent_consumers_of_one_token_only_one_wins(open_store) -> None:
    stores = [await open_store() for _ in range(4)]
    now = utcnow()
    await stores[0].login_tokens.create(
        LoginToken(token_hash="t", purpose=TokenPurpose.INVITE, expires_at=now + timedelta(1))
    )
    results = await asyncio.gather(
        *(s.login_tokens.consume("t", now, used_by=i) for i, s in enumerate(stores))
    )
    assert sum(r is not None for r in results) == 1


async def test_usage_adds_up_per_user_and_day(store: Store) -> None:
    day = date(2026, 3, 2)
    await store.usage.add(1, day, Usage(input_tokens=100, output_tokens=20))
    total = await store.usage.add(1, day, Usage(input_tokens=5, cache_read_tokens=1000))
    assert total == Usage(input_tokens=105, output_tokens=20, cache_read_tokens=1000)
    assert await store.usage.get(1, day) == total
    assert await store.usage.get(1, date(2026, 3, 3)) == Usage()
    assert await store.usage.get(2, day) == Usage()


async def test_lease_one_holder_renewal_and_takeover(store: Store) -> None:
    assert await store.leases.claim("sync:1", "a", 60, T0) is True
    assert await store.leases.claim("sync:1", "b", 60, T0 + timedelta(seconds=30)) is False
    assert await store.leases.claim("sync:1", "a", 60, T0 + timedelta(seconds=30)) is True
    # a renewed until T0+90s; b takes over only after that.
    assert await store.leases.claim("sync:1", "b", 60, T0 + timedelta(seconds=89)) is False
    assert await store.leases.claim("sync:1", "b", 60, T0 + timedelta(seconds=90)) is True
    await store.leases.release("sync:1", "a")  # not a's any more: no effect
    assert await store.leases.claim("sync:1", "a", 60, T0 + timedelta(seconds=91)) is False
    await store.leases.release("sync:1", "b")
    assert await store.leases.claim("sync:1", "a", 60, T0 + timedelta(seconds=91)) is True


async def test_concurrent_claimers_exactly_one_wins(open_store) -> None:
    stores = [await open_store() for _ in range(2)]
    for round_ in range(5):
        now = T0 + timedelta(minutes=10 * round_)  # each round starts after the last expired
        results = await asyncio.gather(
            *(
                s.leases.claim("plan:advance:1", f"worker-{i}", 60, now)
                for i, s in enumerate(stores)
            )
        )
        assert sorted(results) == [False, True]


async def test_concurrent_outbox_claimers_never_share_a_message(open_store) -> None:
    stores = [await open_store() for _ in range(3)]
    for i in range(12):
        await stores[0].outbox.enqueue(outbox_message(1, f"m{i}"))
    batches = await asyncio.gather(
        *(s.outbox.claim_due(T0, f"w{i}", 30, limit=5) for i, s in enumerate(stores))
    )
    ids = [m.id for batch in batches for m in batch]
    assert len(ids) == len(set(ids)) == 12


async def test_erase_user_removes_everything_of_theirs_only(store: Store) -> None:
    for uid in (1, 2):
        await store.users.put(User(id=uid))
        await store.credentials.put(HevyCredential(user_id=uid, ciphertext="c"))
        await store.workouts.upsert(uid, [workout("w", 0, ("BENCH", [(50.0, 5)]))])
        await store.templates.replace_all(uid, [ExerciseTemplate(id="X", title="X")])
        await store.plans.put(Plan(id=f"p{uid}", user_id=uid))
        await store.plans.put_link(uid, RoutineLink(key="folder", title="Spotter"))
        await store.conversations.append(uid, [ChatMessage(role="user", content="hi")])
        await store.conversations.compact(uid, "summary", 0)
        await store.outbox.enqueue(outbox_message(uid, f"k{uid}"))
        await store.sync_state.put(SyncState(user_id=uid, backfill_complete=True))
        await store.login_tokens.create(
            LoginToken(
                token_hash=f"h{uid}",
                purpose="link",
                user_id=uid,
                expires_at=utcnow() + timedelta(minutes=15),
            )
        )
        await store.usage.add(uid, date(2026, 3, 2), Usage(input_tokens=1))

    await store.erase_user(1)

    assert await store.users.get(1) is None
    assert await store.credentials.get(1) is None
    assert await store.workouts.count(1) == 0 and await store.workouts.sets(1) == []
    assert await store.templates.list(1) == []
    assert await store.plans.list(1) == [] and await store.plans.list_links(1) == []
    assert await store.conversations.load(1) == (await store.conversations.load(99))
    assert await store.sync_state.get(1) == SyncState(user_id=1)
    assert await store.login_tokens.get("h1") is None
    assert await store.login_tokens.get("h2") is not None
    assert await store.outbox.pending_count() == 1

    assert await store.users.get(2) is not None
    assert await store.workouts.count(2) == 1
    assert (await store.conversations.load(2)).summary == "summary"


async def test_token_usage_survives_erasure_so_delete_does_not_reset_the_budget(
    store: Store,
) -> None:
    await store.users.put(User(id=1))
    await store.usage.add(1, date(2026, 3, 2), Usage(input_tokens=150_000))
    await store.erase_user(1)
    assert (await store.usage.get(1, date(2026, 3, 2))).input_tokens == 150_000


async def test_data_survives_reopening(open_store) -> None:
    first = await open_store()
    await first.users.put(User(id=42, name="Persisted"))
    await first.close()
    second = await open_store()
    assert (await second.users.get(42)).name == "Persisted"
    migrated = {"sqlite": SQLITE_LATEST, "mongodb": 1}  # MongoDB creates collections on use
    assert await second.schema_version() == migrated[second.backend]


async def test_workout_heads_are_the_validated_workouts_without_their_sets(store: Store) -> None:
    """The query database reads heads with `logged_sets`: they must say what `list` says."""
    ended = workout("ended", 3, ("BENCH", [(80.0, 8)]))
    ended.title, ended.end_time = "Push Day", ended.start_time + timedelta(minutes=61, seconds=7)
    running = workout("a", 3, ("SQUAT", []))
    running.end_time = None
    await store.workouts.upsert(1, [workout("late", 9, ("ROW", [(60.0, 10)])), ended, running])
    await store.workouts.upsert(2, [workout("other", 1, ("BENCH", [(200.0, 1)]))])
    heads = await store.workouts.heads(1)
    assert heads == [w.head for w in await store.workouts.list(1)]
    assert [h.id for h in heads] == ["a", "ended", "late"]
    assert heads[1].title == "Push Day" and heads[1].end_time == ended.end_time
    assert heads[1].end_time.tzinfo is not None and heads[0].end_time is None
    assert await store.workouts.heads(3) == []
