"""The one pipeline every front end calls: sentence → Response.

    understand ─► handler (answer | reply | plan) ─► policy ─► confirm ─► execute ─► journal

Front ends differ only in how they ask for confirmation (a ``Confirmer``) and how they
show the ``Response``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from nlsh.context import Context
from nlsh.handlers import changes_system, handler_for
from nlsh.stages import Answer, Choice, Outcome, Parse, Plan, Reply, Response, Status

if TYPE_CHECKING:
    from nlsh.meaning import Request

Understand = Callable[[str], Parse]

MAX_SENTENCE_CHARS = 1000


class Confirmer(Protocol):
    """How a front end asks the user before anything changes."""

    shows_plan: bool  # confirm() shows the plan, so the final reply need not show it again

    def select(self, plan: Plan) -> Plan | None:
        """Let the user pick which groups of a selectable plan to act on (None: no choice)."""
        ...

    def confirm(self, plan: Plan) -> Plan | None:
        """Ask once: the plan to go ahead with (``plan``, or ``plan.keeping(...)`` when the
        user picked some of its targets), or None to do nothing."""
        ...

    def reconfirm(self, plan: Plan) -> bool:
        """Ask once more for all of ``plan.confirmations`` together; True to go ahead."""
        ...

    def offer(self, plan: Plan) -> bool:
        """Offer a follow-up the user did not ask for yet (SIGKILL for survivors)."""
        ...


class DeclineAll:
    """The confirmer for non-interactive use without ``--yes``: nothing ever runs."""

    reason = "not run: this changes the system and needs confirmation (use --yes, or a terminal)"
    shows_plan = False

    def select(self, plan: Plan) -> Plan | None:
        return None

    def confirm(self, plan: Plan) -> Plan | None:
        return None

    def reconfirm(self, plan: Plan) -> bool:
        return False

    def offer(self, plan: Plan) -> bool:
        return False


class AcceptAll:
    """``--yes``: yes to every confirmation — but it never chooses targets for the user."""

    shows_plan = False

    def select(self, plan: Plan) -> Plan | None:
        return None

    def confirm(self, plan: Plan) -> Plan | None:
        return plan

    def reconfirm(self, plan: Plan) -> bool:
        return True

    def offer(self, plan: Plan) -> bool:
        return False  # --yes agreed to the plan shown, not to escalating it


def clarify_intent(parse: Parse) -> Response:
    """Ask which reading was meant instead of guessing."""
    from nlsh.language.catalog import describe_intent

    choices = tuple(
        Choice(label=describe_intent(alt.intent), sentence=parse.text, intent=alt.intent,
               confidence=alt.confidence)
        for alt in parse.alternatives
        if alt.intent is not None
    )
    return Response(parse=parse, status=Status.CLARIFY,
                    message="Not sure what you mean. Did you want one of these?",
                    choices=choices[:3])


def run(
    text: str,
    ctx: Context,
    understand: Understand,
    confirmer: Confirmer,
    *,
    parse: Parse | None = None,
    pinned: Mapping[int, float] | None = None,
) -> Response:
    """Carry one sentence through the whole pipeline and journal what happened.

    The sentence is read for every request it makes (``nlsh.meaning``): one response each,
    in order, each with its own plan and confirmation; several come back as the ``parts``
    of one response. ``parse`` skips the language layer (the user already chose an intent
    in a clarify). ``pinned``: processes the sentence refers to by what an earlier answer
    showed ("kill it"), by pid and start time; a plan on such a pid that is another process
    now is refused.
    """
    from nlsh.meaning import Request, read
    from nlsh.system.processes import one_reading

    # /proc is read once for the whole sentence: what it means, its plans and their
    # checks see one process table (acting re-reads each target: execution.identity).
    with one_reading():
        requests = (Request(text, parse),) if parse is not None else read(text, understand)
        responses = tuple(_respond_and_journal(request, ctx, confirmer, pinned or {})
                          for request in requests)
    if len(responses) == 1:
        return responses[0]
    return compound(text, responses)


def compound(text: str, parts: tuple[Response, ...]) -> Response:
    """Several requests of one sentence as one response: the most serious status leads."""
    worst = max(parts, key=lambda r: _SEVERITY.index(r.status) if r.status in _SEVERITY else 0)
    message = f"{len(parts)} requests: " + "; ".join(
        f"{i}. {part.message}" for i, part in enumerate(parts, 1))
    parse = Parse(text=text, intent=None, confidence=1.0, source="compound")
    return Response(parse=parse, status=worst.status, message=message, parts=parts)


# From least to most serious: the status a compound response reports.
_SEVERITY = (Status.DONE, Status.PLANNED, Status.ANSWERED, Status.NOTHING_TO_DO,
             Status.OUT_OF_SCOPE, Status.CLARIFY, Status.CANCELLED, Status.REFUSED,
             Status.INVALID, Status.FAILED, Status.INTERRUPTED)


def _respond_and_journal(request: Request, ctx: Context, confirmer: Confirmer,
                         pinned: Mapping[int, float] | None = None,
                         handler: Callable[[Parse, Context], Answer | Reply | Plan] | None
                         = None) -> Response:
    parse = request.parse
    if request.verdict is not None:
        verdict = request.verdict
        response = Response(parse=parse, status=verdict.status, message=verdict.message,
                            choices=verdict.choices, rule=verdict.rule)
    elif handler is not None:  # made outside the catalog: its intent is no registered one
        response = _respond_handled(parse, handler(parse, ctx), ctx, confirmer, None,
                                    pinned, registered=False)
    else:
        response = _respond(parse, ctx, confirmer, request.order, pinned)
    if parse.notes and response.status is Status.OUT_OF_SCOPE:  # the note says why
        note = "; ".join(parse.notes)
        response = replace(response, message=note[:1].upper() + note[1:])
    elif parse.notes:
        response = replace(response, message=f"{response.message} ({'; '.join(parse.notes)})")
    if response.outcome is None:  # executed plans journal themselves step by step
        ctx.journal.record(
            "request", ctx.journal.new_id(), text=parse.text, intent=parse.intent,
            slots=dict(parse.slots), status=response.status.value, message=response.message,
            dry_run=ctx.dry_run, **({"operators": parse.operators.to_json()}
                                    if parse.operators.to_json() else {}),
        )
    return response


def _respond(parse: Parse, ctx: Context, confirmer: Confirmer,
             order: str | None = None, pinned: Mapping[int, float] | None = None) -> Response:
    if parse.intent is None:
        return Response(parse=parse, status=Status.OUT_OF_SCOPE,
                        message=out_of_scope_message(parse))
    if parse.uncertain:
        return clarify_intent(parse)
    if parse.rejected_values:
        return Response(parse=parse, status=Status.INVALID, message=parse.rejected_values[0])

    handled = handler_for(parse.intent)(parse, ctx)
    return _respond_handled(parse, handled, ctx, confirmer, order, pinned)


def run_handled(parse: Parse, handled: Answer | Reply | Plan, ctx: Context,
                confirmer: Confirmer) -> Response:
    """Carry an answer or plan made outside the language layer (the REPL's follow-ups on
    the files a search found) through policy, confirmation, execution and the journal."""
    from nlsh.meaning import Request

    return _respond_and_journal(Request(parse.text, parse), ctx, confirmer,
                                handler=lambda _parse, _ctx: handled)


def _respond_handled(parse: Parse, handled: Answer | Reply | Plan, ctx: Context,
                     confirmer: Confirmer, order: str | None,
                     pinned: Mapping[int, float] | None = None,
                     registered: bool = True) -> Response:
    if isinstance(handled, Answer):
        return Response(parse=parse, status=Status.DONE, message=handled.message, answer=handled)
    if isinstance(handled, Reply):
        if parse.operators.question and handled.status in (Status.NOTHING_TO_DO, Status.REFUSED):
            return _answer_nothing(parse, handled)
        return Response(parse=parse, status=handled.status, message=handled.message,
                        choices=handled.choices, rule=handled.rule)
    if registered and not changes_system(str(parse.intent)):  # real: ``python -O`` drops asserts
        return Response(parse=parse, status=Status.REFUSED, rule="read-only-intent",
                        message=f"Refused: {parse.intent} only reads, yet its handler "
                                "returned a plan; nothing was run")
    unfaithful = _unfaithful(parse, handled)
    if unfaithful is not None:
        return Response(parse=parse, status=Status.REFUSED, message=unfaithful,
                        rule="faithfulness")
    replaced = _replaced_since_shown(handled, pinned or {})
    if replaced is not None:
        return Response(parse=parse, status=Status.REFUSED, message=replaced,
                        rule="changed-since-shown")
    if parse.operators.question:
        return _answer_question(parse, handled, ctx, order or parse.text)
    return _carry_out(parse, handled, ctx, confirmer)


def _replaced_since_shown(plan: Plan, pinned: Mapping[int, float]) -> str | None:
    """A step on a pid the user referred to ("kill it") that another process holds now."""
    from nlsh.stages import ProcessRef
    from nlsh.system.processes import SAME_PROCESS_TOLERANCE

    for step in plan.steps:
        target = step.target
        if (isinstance(target, ProcessRef) and target.pid in pinned
                and abs(target.create_time - pinned[target.pid]) > SAME_PROCESS_TOLERANCE):
            return (f"Not done: pid {target.pid} is another process now ({target.name}), not "
                    "the one shown before; nothing was changed")
    return None


def _unfaithful(parse: Parse, plan: Plan) -> str | None:
    """A step the sentence excluded: never carried out, whatever planned it."""
    from nlsh.stages import ProcessRef

    operators = parse.operators
    pids, names, users = (set(operators.excluded("pid")), set(operators.excluded("process")),
                          set(operators.excluded("user")))
    for step in plan.steps:
        target = step.target
        if isinstance(target, ProcessRef) and (
                target.pid in pids or target.name.lower() in names
                or (target.username is not None and target.username in users)):
            return (f"nlsh planned {step.action} on pid {target.pid} ({target.name}), which the "
                    "sentence excluded; nothing was done")
    return None


def _answer_nothing(parse: Parse, reply: Reply) -> Response:
    """"Is it safe to pause A?" when A is paused already: nlsh would do nothing, and why."""
    message = f"nlsh would do nothing: {reply.message}"
    answer = Answer(kind="would", message=message, result={
        "question": True, "would": None, "say": None, "reason": reply.message})
    return Response(parse=parse, status=Status.ANSWERED, message=message, answer=answer,
                    rule=reply.rule)


def _answer_question(parse: Parse, plan: Plan, ctx: Context, order: str) -> Response:
    """"Should I kill A?": what nlsh would do, to what, and how to ask for it; never a plan."""
    from nlsh.policy import review

    reviewed = review(plan, ctx)
    say = " ".join(order.split())
    if isinstance(reviewed, Reply):
        message = f"nlsh would not do this: {reviewed.message}"
        result: dict[str, object] = {"question": True, "would": None, "say": None,
                                     "reason": reviewed.message}
    else:
        cautions = list(reviewed.confirmations) + list(reviewed.notes)
        message = (f"If asked, nlsh would: {reviewed.summary}. Nothing was done; to do it, "
                   f"say '{say}'")
        if cautions:
            message += ". Note: " + "; ".join(cautions)
        result = {"question": True, "would": reviewed.to_json(),
                  "summary": reviewed.summary, "say": say, "cautions": cautions}
    answer = Answer(kind="would", message=message, result=result)
    return Response(parse=parse, status=Status.ANSWERED, message=message, answer=answer)


def _carry_out(parse: Parse, plan: Plan, ctx: Context, confirmer: Confirmer) -> Response:
    from nlsh.execution import execute
    from nlsh.policy import review

    own_confirmations = plan.confirmations  # the policy's are counted again after a selection
    reviewed = review(plan, ctx)
    if isinstance(reviewed, Reply):
        return Response(parse=parse, status=reviewed.status, message=reviewed.message,
                        rule=reviewed.rule, choices=reviewed.choices)
    plan = reviewed
    if plan.selectable:
        chosen = None if ctx.dry_run else confirmer.select(plan)
        if chosen is None:
            return Response(parse=parse, status=Status.CLARIFY, plan=plan,
                            message=plan.selection_question or "Which of these?",
                            choices=plan.selection_choices())
        reviewed = review(replace(chosen, confirmations=own_confirmations), ctx)
        if isinstance(reviewed, Reply):
            return Response(parse=parse, status=reviewed.status, message=reviewed.message,
                            rule=reviewed.rule)
        plan = reviewed
    if ctx.dry_run:
        return Response(parse=parse, status=Status.PLANNED, message=plan.summary, plan=plan)
    picked = confirmer.confirm(plan)
    shown = confirmer.shows_plan
    reason = getattr(confirmer, "reason", "cancelled: nothing was changed")
    if picked is None:
        return Response(parse=parse, status=Status.CANCELLED, message=reason, plan=plan,
                        plan_shown=shown)
    if picked is not plan:  # some of its targets: the policy counts and checks them again
        reviewed = review(replace(picked, confirmations=own_confirmations), ctx)
        if isinstance(reviewed, Reply):
            return Response(parse=parse, status=reviewed.status, message=reviewed.message,
                            rule=reviewed.rule)
        plan = reviewed
    if not confirmer.reconfirm(plan):
        return Response(parse=parse, status=Status.CANCELLED, message=reason, plan=plan,
                        plan_shown=shown)
    outcome = execute(plan, ctx, text=parse.text)
    if outcome.follow_up is not None and not outcome.interrupted:
        follow_up = review(outcome.follow_up, ctx)
        if isinstance(follow_up, Plan) and confirmer.offer(follow_up):
            second = execute(follow_up, ctx, text=parse.text)
            outcome = Outcome(outcome.results + second.results, interrupted=second.interrupted)
    return Response(parse=parse, status=_status_of(outcome), message=_summarise(plan, outcome),
                    plan=plan, outcome=outcome, plan_shown=shown)


def _status_of(outcome: Outcome) -> Status:
    if outcome.interrupted:
        return Status.INTERRUPTED
    return Status.FAILED if outcome.failed else Status.DONE


def _summarise(plan: Plan, outcome: Outcome) -> str:
    total = len(outcome.results)
    if outcome.interrupted:
        return f"Interrupted after {outcome.done} of {total} step(s); the rest were not run"
    if outcome.failed:
        failed = sum(r.status.value == "failed" for r in outcome.results)
        return f"{plan.summary}: {outcome.done} done, {failed} failed"
    skipped = total - outcome.done
    suffix = f" ({skipped} skipped)" if skipped else ""
    return f"Done: {plan.summary}{suffix}"


# The nearest intent is named only when the model gave it at least this probability: a
# weaker one would be an unrelated suggestion.
NEAREST_FROM = 0.1
# Never "nearest": they say nothing about what was asked.
_NEVER_NEAREST = frozenset({"help", "help.explain", "history", "undo"})


def out_of_scope_message(parse: Parse) -> str:
    """"nlsh can't do that yet", naming the nearest thing it can do when there is one."""
    from nlsh.errors import CatalogError
    from nlsh.language.catalog import load_catalog

    message = "nlsh can't do that yet."
    nearest = next((alt.intent for alt in parse.alternatives
                    if alt.intent is not None and alt.intent not in _NEVER_NEAREST
                    and alt.confidence >= NEAREST_FROM), None)
    try:
        spec = load_catalog().intents.get(nearest) if nearest is not None else None
    except CatalogError:
        spec = None
    if spec is not None:
        message += (f" The nearest thing it can do: {spec.summary[:1].lower()}"
                    f"{spec.summary[1:]} ({spec.name}).")
    return message + (" It manages processes, memory, disk, network and system status; "
                      "type 'help' for examples.")
