"""Headless commands: learners, enrolment, evidence, judgements, coverage, visits.

    assessor-app learner add --name … --reg … [--employer … --line-manager … --email … --uln …]
    assessor-app learner list [--json]
    assessor-app enrol REG UNIT_REF [--qualification-title … --qualification-number …]
    assessor-app evidence add REG --kind KIND --text … --criteria K/503/8194:1.1,… [--attach FILE]…
    assessor-app evidence list REG [--json]
    assessor-app evidence search REG "words" [--json]
    assessor-app evidence tick EVIDENCE_ID UNIT_REF KEY [--unlock REASON]   (a requirement, e.g. 4a)
    assessor-app evidence range EVIDENCE_ID UNIT:CRITERION [ITEM…] [--remove] [--unlock REASON]
        (range items the item covers, by wording or number; no ITEM: list them) [--json]
    assessor-app judge REG UNIT_REF CRITERION met|not-yet [--reason …] [--by NAME] [--unlock REASON]

A change to a record a completed sign-off covers is refused, naming the sign-off, unless
`--unlock "REASON"` is given: then the sign-off is voided with that reason.
    assessor-app coverage REG [--json]
    assessor-app visit start REG [--date … --place …]
    assessor-app visit close VISIT_ID --feedback … --action-plan … [--target K/503/8194:2.1,…]
    assessor-app visit list REG [--json]

Every refusal is a `CliError` with the core's plain-English message; nothing is written then.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from assessor_app.cli_common import CliError, cli_store, print_json
from assessor_app.evidence import coverage as cov
from assessor_app.evidence.errors import EvidenceError, InvalidInput
from assessor_app.evidence.items import QA, Witness, create_evidence, list_evidence
from assessor_app.evidence.judgements import record_judgement
from assessor_app.evidence.learners import add_learner, enrol, find_learner, list_learners
from assessor_app.evidence.range_items import (
    covered_keys,
    criterion_range,
    resolve_range_items,
    set_range_item,
)
from assessor_app.evidence.refs import CriterionRef, get_item, normalise_unit_reference
from assessor_app.evidence.requirements import requirement_by_key, tick_requirement
from assessor_app.evidence.search import search_evidence
from assessor_app.evidence.unlock import unlocking
from assessor_app.evidence.visits import close_visit, current_visit, list_visits, start_visit
from assessor_app.store import Store
from assessor_app.store.models import EvidenceKind

Handler = Callable[[Store, argparse.Namespace], int]


def _run(handler: Handler) -> Callable[[argparse.Namespace], int]:
    """Open the store, run the handler, turn core refusals into CliError, close the store."""

    def run(args: argparse.Namespace) -> int:
        with cli_store(args) as store:
            try:
                return handler(store, args)
            except EvidenceError as exc:
                raise CliError(str(exc)) from None

    return run


# --- learners ----------------------------------------------------------------------------------


def _learner_add(store: Store, args: argparse.Namespace) -> int:
    learner = add_learner(store, args.name, args.reg, employer=args.employer,
                          line_manager=args.line_manager, line_manager_email=args.email,
                          uln=args.uln)
    print(learner.id)
    return 0


def _learner_list(store: Store, args: argparse.Namespace) -> int:
    rows = list_learners(store)
    if args.json:
        print_json([{
            "id": r.learner.id, "name": r.learner.name, "registration": r.learner.registration,
            "employer": r.learner.employer, "line_manager": r.learner.line_manager,
            "line_manager_email": r.learner.line_manager_email, "uln": r.learner.uln,
            "criteria": dataclasses.asdict(r.counts), "percent_met": r.percent_met,
        } for r in rows])
        return 0
    if not rows:
        print("No learners yet. Add one with: assessor-app learner add --name … --reg …")
    for r in rows:
        print(f"{r.learner.registration:<12} {r.learner.name:<28} {r.learner.employer:<24} "
              f"{r.percent_met:>3}% met")
    return 0


def _enrol(store: Store, args: argparse.Namespace) -> int:
    learner = find_learner(store, args.reg)
    info = enrol(store, learner.id, args.unit, qualification_title=args.qualification_title,
                 qualification_number=args.qualification_number)
    state = "enrolled on" if info.created else "already enrolled on"
    qualification = " ".join(x for x in (info.qualification_number, info.qualification_title) if x)
    print(f"{args.reg.strip()} {state} {info.unit_reference} (version {info.version_number}: "
          f"{info.title})" + (f" towards {qualification}" if qualification else ""))
    return 0


# --- evidence ----------------------------------------------------------------------------------


def _parse_qa(text: str) -> QA:
    parts = text.split("|")
    if len(parts) > 3:
        raise InvalidInput(f"--qa takes \"question|answer|yes\"; {text[:40]!r} has too many |.")
    question, answer, verdict = (parts + ["", ""])[:3]
    verdicts = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False,
                "": None}
    if verdict.strip().lower() not in verdicts:
        raise InvalidInput(f"The third part of --qa must be yes, no or empty, not {verdict!r}.")
    return QA(question.strip(), answer.strip(), verdicts[verdict.strip().lower()])


def _evidence_add(store: Store, args: argparse.Namespace) -> int:
    learner = find_learner(store, args.reg)
    assert learner.id is not None
    visit_id = args.visit
    if visit_id is None:
        running = current_visit(store, learner.id)
        visit_id = running.id if running else None
    item = create_evidence(
        store, learner.id, args.kind, text=args.text, title=args.title, on=args.date,
        visit_id=visit_id, criteria=[c for c in (args.criteria or "").split(",") if c.strip()],
        questions=[_parse_qa(q) for q in args.qa],
        witness=Witness(args.witness_name, args.witness_role, args.witness_relationship,
                        args.witness_contact),
        start_time=args.start, end_time=args.end, attachments=args.attach,
    )
    print(item.evidence_id)
    return 0


def _evidence_list(store: Store, args: argparse.Namespace) -> int:
    learner = find_learner(store, args.reg)
    rows = list_evidence(store, learner.id or 0)
    if args.json:
        print_json([dataclasses.asdict(r) for r in rows])
        return 0
    for r in rows:
        label = r.title or r.first_line
        print(f"{r.id:>5}  {r.ref:<7} {r.date.isoformat()}  {label[:48]:<48}  "
              f"{', '.join(r.criteria)}")
    return 0


def _evidence_search(store: Store, args: argparse.Namespace) -> int:
    learner = find_learner(store, args.reg)
    hits = search_evidence(store, learner.id, args.words, limit=args.limit)
    if args.json:
        print_json([dataclasses.asdict(h) for h in hits])
        return 0
    if not hits:
        print("No evidence matches.")
    for h in hits:
        print(f"{h.evidence_id:>5}  {h.ref:<7} {h.date.isoformat()}  {h.snippet}")
    return 0


@contextmanager
def _unlock(args: argparse.Namespace, actor: str = "assessor") -> Iterator[None]:
    """`--unlock REASON`: allow changing a signed record (voiding its sign-off) in the block."""
    if args.unlock is None:
        yield
        return
    with unlocking(args.unlock, actor):
        yield


def _evidence_tick(store: Store, args: argparse.Namespace) -> int:
    with store.session() as session:
        item = get_item(session, args.evidence_id)
        requirement_id = requirement_by_key(session, item.learner_id, args.unit, args.key)
    with _unlock(args):
        tick_requirement(store, args.evidence_id, requirement_id)
    print(f"requirement {args.key.strip()} of {normalise_unit_reference(args.unit)} ticked "
          f"against evidence {args.evidence_id}")
    return 0


def _evidence_range(store: Store, args: argparse.Namespace) -> int:
    with store.session() as session:
        items = resolve_range_items(session, args.evidence_id, args.criterion, args.items) \
            if args.items else None
    with _unlock(args):
        for item in items or []:
            set_range_item(store, args.evidence_id, item.note_id, item.index, not args.remove)
    with store.session() as session:
        _number, listed = criterion_range(session, args.evidence_id, args.criterion)
        covered = covered_keys(session, args.evidence_id)
    rows = [{"number": k, "heading": r.heading, "item": r.text, "covered": r.key in covered}
            for k, r in enumerate(listed, start=1)]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        heading = f"{row['heading']}: " if row["heading"] else ""
        print(f"[{'x' if row['covered'] else ' '}] {row['number']}. {heading}{row['item']}")
    return 0


# --- judgements and coverage -------------------------------------------------------------------


def _judge(store: Store, args: argparse.Namespace) -> int:
    learner = find_learner(store, args.reg)
    ref = CriterionRef(normalise_unit_reference(args.unit), args.criterion.strip())
    with _unlock(args, args.by):
        edit = record_judgement(store, learner.id or 0, ref, args.state, actor=args.by,
                                reason=args.reason)
    print(f"{ref}: {edit.state.replace('_', ' ')} (judgement {edit.judgement_id})")
    return 0


def _coverage(store: Store, args: argparse.Namespace) -> int:
    learner = find_learner(store, args.reg)
    result = cov.learner_coverage(store, learner.id or 0)
    if args.json:
        print_json(result.to_json())
        return 0
    print(_coverage_table(result))
    return 0


def _coverage_table(result: cov.LearnerCoverage) -> str:
    if not result.units:
        return f"{result.registration}: not enrolled on any unit."
    lines = [f"{result.registration}: {result.counts.met}/{result.counts.total} criteria met, "
             f"{result.counts.evidenced} evidenced, {result.counts.unevidenced} unevidenced",
             "○ unevidenced  ◐ evidenced  ● met"]
    for u in result.units:
        lines += ["", f"{u.reference}  {u.title}  ({u.counts.met}/{u.counts.total} met)"]
        for o in u.outcomes:
            for c in o.criteria:
                evidence = ", ".join(f"#{i}" for i in c.evidence_ids) or "-"
                lines.append(f"  {cov.STATE_SYMBOL[c.state]} {c.number:<6} {c.state.value:<12} "
                             f"{evidence}")
        if u.requirements:
            lines.append(f"  requirements {u.requirements_ticked}/{u.requirements_total} ticked")
        for r in u.requirements:
            if r.is_group:  # a heading for the lettered items below it, never ticked itself
                lines.append(f"      requirement {r.key}: {r.text[:60]}")
                continue
            mark = "[x]" if r.ticked else "[ ]"
            indent = "  " if r.group else ""
            evidence = ", ".join(f"#{i}" for i in r.evidence_ids)
            lines.append(f"  {indent}{mark} requirement {r.key}: {r.text[:60]} {evidence}".rstrip())
    return "\n".join(lines)


# --- visits ------------------------------------------------------------------------------------


def _visit_start(store: Store, args: argparse.Namespace) -> int:
    learner = find_learner(store, args.reg)
    visit = start_visit(store, learner.id or 0, on=args.date, place=args.place)
    print(visit.id)
    return 0


def _visit_close(store: Store, args: argparse.Namespace) -> int:
    targets = [t for t in (args.target or "").split(",") if t.strip()]
    visit = close_visit(store, args.visit_id, feedback=args.feedback,
                        action_plan=args.action_plan, targets=targets)
    print(f"visit {visit.id} closed with {len(targets)} target criteria for next time")
    return 0


def _visit_list(store: Store, args: argparse.Namespace) -> int:
    learner = find_learner(store, args.reg)
    visits = list_visits(store, learner.id or 0)
    if args.json:
        print_json([{"id": v.visit.id, "date": v.visit.date.isoformat(), "place": v.visit.place,
                     "status": v.visit.status, "planned": v.planned, "targets": v.targets,
                     "feedback": v.visit.feedback, "action_plan": v.visit.action_plan}
                    for v in visits])
        return 0
    for v in visits:
        planned = f" planned: {' '.join(v.planned)}" if v.planned else ""
        print(f"{v.visit.id:>5}  {v.visit.date.isoformat()}  {v.visit.status:<11}{planned}")
    return 0


# --- registration ------------------------------------------------------------------------------


def _unlock_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--unlock", default=None, metavar="REASON",
                   help="change a record a completed sign-off covers: voids that sign-off, "
                        "keeping REASON with it")


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    _register_learners(sub, common)
    _register_evidence(sub, common)
    _register_judging(sub, common)
    _register_visits(sub, common)


def _register_learners(sub: Any, common: argparse.ArgumentParser) -> None:
    learner = sub.add_parser("learner", parents=[common], help="add or list learners")
    lsub = learner.add_subparsers(dest="learner_command", metavar="ACTION", required=True)
    p = lsub.add_parser("add", parents=[common], help="add a learner; prints the new id")
    p.add_argument("--name", required=True)
    p.add_argument("--reg", required=True, help="registration number")
    p.add_argument("--employer", default="")
    p.add_argument("--line-manager", default="", help="line manager's name")
    p.add_argument("--email", default="", help="line manager's email")
    p.add_argument("--uln", default="", help="Unique Learner Number (10 digits)")
    p.set_defaults(func=_run(_learner_add))
    p = lsub.add_parser("list", parents=[common], help="list learners with progress")
    _json_flag(p)
    p.set_defaults(func=_run(_learner_list))
    from assessor_app.privacy.cli import register_learner_rights  # export / erase

    register_learner_rights(lsub, common)

    p = sub.add_parser("enrol", parents=[common],
                       help="enrol a learner on a unit's latest version")
    p.add_argument("reg", metavar="REG")
    p.add_argument("unit", metavar="UNIT_REF")
    p.add_argument("--qualification-title", default=None,
                   help="the qualification this unit counts towards, as on the ERS")
    p.add_argument("--qualification-number", default=None,
                   help="the qualification's number (e.g. 603/1234/5)")
    p.set_defaults(func=_run(_enrol))


def _register_evidence(sub: Any, common: argparse.ArgumentParser) -> None:
    evidence = sub.add_parser("evidence", parents=[common], help="record, list or search evidence")
    esub = evidence.add_subparsers(dest="evidence_command", metavar="ACTION", required=True)
    p = esub.add_parser("add", parents=[common], help="record an evidence item; prints its id")
    p.add_argument("reg", metavar="REG")
    p.add_argument("--kind", required=True, metavar="|".join(k.value for k in EvidenceKind))
    p.add_argument("--text", default="")
    p.add_argument("--title", default="")
    p.add_argument("--criteria", default="", metavar="UNIT:N,…",
                   help="e.g. K/503/8194:1.1,H/601/1232:1.2")
    p.add_argument("--date", default=None, metavar="YYYY-MM-DD")
    p.add_argument("--visit", type=int, default=None,
                   help="visit id (default: the learner's visit in progress, if any)")
    p.add_argument("--start", default=None, metavar="HH:MM", help="observation start time")
    p.add_argument("--end", default=None, metavar="HH:MM", help="observation end time")
    p.add_argument("--attach", action="append", default=[], metavar="FILE")
    p.add_argument("--qa", action="append", default=[], metavar="QUESTION|ANSWER|yes",
                   help="a questioning row (repeat for more)")
    p.add_argument("--witness-name", default="")
    p.add_argument("--witness-role", default="")
    p.add_argument("--witness-relationship", default="")
    p.add_argument("--witness-contact", default="")
    p.set_defaults(func=_run(_evidence_add))
    p = esub.add_parser("list", parents=[common], help="list a learner's evidence")
    p.add_argument("reg", metavar="REG")
    _json_flag(p)
    p.set_defaults(func=_run(_evidence_list))
    p = esub.add_parser("search", parents=[common], help="full-text search, best match first")
    p.add_argument("reg", metavar="REG")
    p.add_argument("words")
    p.add_argument("--limit", type=int, default=20)
    _json_flag(p)
    p.set_defaults(func=_run(_evidence_search))
    p = esub.add_parser("tick", parents=[common],
                        help="tick a unit's evidence requirement against an evidence item")
    p.add_argument("evidence_id", metavar="EVIDENCE_ID", type=int)
    p.add_argument("unit", metavar="UNIT_REF")
    p.add_argument("key", metavar="KEY", help="the requirement's key, e.g. 4a")
    _unlock_flag(p)
    p.set_defaults(func=_run(_evidence_tick))
    p = esub.add_parser("range", parents=[common],
                        help="record which range items of a criterion an evidence item covers")
    p.add_argument("evidence_id", metavar="EVIDENCE_ID", type=int)
    p.add_argument("criterion", metavar="UNIT:CRITERION", help="e.g. K/503/8194:1.2")
    p.add_argument("items", nargs="*", metavar="ITEM",
                   help="a range item's wording or its number in the list; none: list them")
    p.add_argument("--remove", action="store_true", help="no longer record these items")
    _unlock_flag(p)
    _json_flag(p)
    p.set_defaults(func=_run(_evidence_range))


def _register_judging(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("judge", parents=[common], help="judge a criterion met or not yet")
    p.add_argument("reg", metavar="REG")
    p.add_argument("unit", metavar="UNIT_REF")
    p.add_argument("criterion", metavar="CRITERION", help="e.g. 1.1")
    p.add_argument("state", choices=["met", "not-yet"])
    p.add_argument("--reason", default="")
    p.add_argument("--by", default="assessor", help="who decides (for the audit trail)")
    _unlock_flag(p)
    p.set_defaults(func=_run(_judge))

    p = sub.add_parser("coverage", parents=[common], help="criteria coverage per unit")
    p.add_argument("reg", metavar="REG")
    _json_flag(p)
    p.set_defaults(func=_run(_coverage))


def _register_visits(sub: Any, common: argparse.ArgumentParser) -> None:
    visit = sub.add_parser("visit", parents=[common], help="start, close or list visits")
    vsub = visit.add_subparsers(dest="visit_command", metavar="ACTION", required=True)
    p = vsub.add_parser("start", parents=[common], help="start a visit; prints its id")
    p.add_argument("reg", metavar="REG")
    p.add_argument("--date", default=None, metavar="YYYY-MM-DD")
    p.add_argument("--place", default=None)
    p.set_defaults(func=_run(_visit_start))
    p = vsub.add_parser("close", parents=[common],
                        help="close a visit with feedback and an action plan")
    p.add_argument("visit_id", metavar="VISIT_ID", type=int)
    p.add_argument("--feedback", required=True)
    p.add_argument("--action-plan", required=True)
    p.add_argument("--target", default="", metavar="UNIT:N,…",
                   help="criteria the next visit targets")
    p.set_defaults(func=_run(_visit_close))
    p = vsub.add_parser("list", parents=[common], help="a learner's visits")
    p.add_argument("reg", metavar="REG")
    _json_flag(p)
    p.set_defaults(func=_run(_visit_list))
