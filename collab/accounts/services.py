"""Account operations. Each takes the acting user, enforces the policy, writes the audit log
and flushes; the caller commits."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from collab import permissions as policy
from collab.accounts.models import (
    ApiToken,
    OfficeTerm,
    OneTimeToken,
    Role,
    TokenPurpose,
    User,
    UserRole,
    new_session_token,
)
from collab.accounts.passwords import hash_password, needs_rehash, verify_password
from collab.areas.models import Area, AreaLevel
from collab.core.audit import record
from collab.core.csvfile import read_csv
from collab.core.db import utcnow
from collab.core.errors import Conflict, NotFound, ValidationFailed
from collab.core.text import squash
from collab.extensions import db
from collab.orgs.models import Organisation, OrgKind
from collab.signals import user_deactivated

MIN_PASSWORD = 10
_PHONE = re.compile(r"^\+?[0-9 ()-]{8,20}$")


def _sha(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def normalise_email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def normalise_phone(value: str | None) -> str | None:
    """Indonesian numbers: keep digits, write 08xx as +628xx so one number has one form."""
    value = (value or "").strip()
    if not value:
        return None
    digits = re.sub(r"[^0-9+]", "", value)
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62"):
        digits = "+" + digits
    return digits


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed(_l("The password must be at least %(n)d characters.", n=MIN_PASSWORD),
                               errors={"password": [_l("At least %(n)d characters.", n=MIN_PASSWORD)]})


# -- authentication ------------------------------------------------------------------------------

def find_by_login(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return db.session.scalar(select(User).where(User.email == normalise_email(identifier)))
    phone = normalise_phone(identifier)
    return db.session.scalar(select(User).where(User.phone == phone)) if phone else None


def authenticate(identifier: str, password: str) -> User | None:
    """The user for these credentials, if they are right and the account is active."""
    user = find_by_login(identifier)
    if not verify_password(user.password_hash if user else None, password or ""):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record(user, "user.login", user)
    return user


def end_sessions(user: User) -> None:
    """Rotate the session token: every cookie that carried the old one stops working."""
    user.session_token = new_session_token()


def logout(user: User) -> None:
    end_sessions(user)
    record(user, "user.logout", user)


# -- creating and changing accounts ----------------------------------------------------------------

def _validate_account(name, email, phone, roles, organisation, office, *, existing: User | None = None):
    errors: dict[str, list] = {}
    if not squash(name):
        errors.setdefault("name", []).append(_l("Enter the name."))
    if not roles:
        errors.setdefault("roles", []).append(_l("Choose at least one role."))
    if not email and not phone:
        errors.setdefault("email", []).append(_l("Enter an e-mail address or a phone number."))
    if email:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            errors.setdefault("email", []).append(_l("This is not a valid e-mail address."))
        else:
            other = db.session.scalar(select(User).where(User.email == email))
            if other is not None and other is not existing:
                errors.setdefault("email", []).append(_l("Another account already uses this e-mail address."))
    if phone:
        if not _PHONE.match(phone):
            errors.setdefault("phone", []).append(_l("This is not a valid phone number."))
        else:
            other = db.session.scalar(select(User).where(User.phone == phone))
            if other is not None and other is not existing:
                errors.setdefault("phone", []).append(_l("Another account already uses this phone number."))
    org_kinds = {Role.opd_officer: OrgKind.opd, Role.partner_rep: OrgKind.partner}
    for role, kind in org_kinds.items():
        if role in roles and (organisation is None or organisation.kind != kind):
            errors.setdefault("organisation", []).append(
                _l("An %(role)s must belong to an organisation of kind %(kind)s.", role=role.label, kind=kind.label))
    if Role.rt_rw_head in roles and existing is None:
        if office is None or office.level not in (AreaLevel.rt, AreaLevel.rw):
            errors.setdefault("area", []).append(_l("An RT/RW head needs the RT or RW they head."))
        elif active_term(office) is not None:
            errors.setdefault("area", []).append(
                _l("%(office)s already has an active head; record a change of head instead.", office=office.full_name()))
    return errors


def create_user(actor, *, name: str, roles: set[Role], email: str | None = None, phone: str | None = None,
                organisation: Organisation | None = None, office: Area | None = None,
                term_start: date | None = None) -> User:
    """Create an account (admin only). It has no password until activated by a one-time link.
    An RT/RW head gets an open term on `office`."""
    policy.require(policy.can_manage_users(actor))
    email, phone = normalise_email(email), normalise_phone(phone)
    errors = _validate_account(name, email, phone, roles, organisation, office)
    if errors:
        raise ValidationFailed(_l("The account could not be saved."), errors=errors)
    user = User(name=squash(name), email=email, phone=phone, organisation=organisation)
    user.role_rows = [UserRole(role=r) for r in sorted(roles)]
    db.session.add(user)
    db.session.flush()
    if Role.rt_rw_head in roles:
        db.session.add(OfficeTerm(area=office, user=user, started_on=term_start or date.today(),
                                  recorded_by_id=actor.id))
    record(actor, "user.create", user, roles=sorted(roles), organisation=organisation and organisation.short_name)
    return user


def update_user(actor, user: User, *, name: str, roles: set[Role], email: str | None, phone: str | None,
                organisation: Organisation | None) -> User:
    """Change name, contact, roles and organisation (admin only). Offices change through
    `record_office_head`, never here."""
    policy.require(policy.can_manage_users(actor))
    email, phone = normalise_email(email), normalise_phone(phone)
    errors = _validate_account(name, email, phone, roles, organisation, None, existing=user)
    if user.id == actor.id and Role.admin not in roles:
        errors.setdefault("roles", []).append(_l("You cannot remove your own admin role."))
    if errors:
        raise ValidationFailed(_l("The account could not be saved."), errors=errors)
    before = sorted(user.roles)
    user.name, user.email, user.phone, user.organisation = squash(name), email, phone, organisation
    keep = [r for r in user.role_rows if r.role in roles]
    user.role_rows = keep + [UserRole(role=r) for r in sorted(roles - {r.role for r in keep})]
    record(actor, "user.update", user, roles_before=before, roles=sorted(roles))
    return user


def set_active(actor, user: User, active: bool) -> None:
    """Deactivate (the person can no longer log in; every session ends; history stays) or reactivate."""
    policy.require(policy.can_manage_users(actor))
    if user.id == actor.id and not active:
        raise Conflict(_l("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    end_sessions(user)
    if not active:
        for token in user_api_tokens(user):
            token.revoked_at = token.revoked_at or utcnow()
        user_deactivated.send(user, actor=actor)
    record(actor, "user.activate" if active else "user.deactivate", user)


def update_own_profile(user: User, *, locale: str | None = None) -> None:
    if locale is not None:
        user.locale = locale


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current or ""):
        raise ValidationFailed(_l("The current password is not right."),
                               errors={"current_password": [_l("The current password is not right.")]})
    check_password_strength(new)
    user.password_hash = hash_password(new)
    end_sessions(user)
    record(user, "user.password_change", user)


# -- one-time links -----------------------------------------------------------------------------

def issue_one_time_link(actor, user: User, purpose: TokenPurpose) -> str:
    """A fresh activation or reset token (admin only); earlier unused ones are voided.
    Returns the raw token, to be handed over once; only its hash is stored."""
    policy.require(policy.can_manage_users(actor))
    if not user.active:
        raise Conflict(_l("The account is deactivated; reactivate it first."))
    now = utcnow()
    for old in db.session.scalars(select(OneTimeToken).where(
            OneTimeToken.user_id == user.id, OneTimeToken.used_at.is_(None))):
        old.used_at = now
    raw = secrets.token_urlsafe(32)
    hours = current_app.config["ONE_TIME_LINK_HOURS"]
    db.session.add(OneTimeToken(user=user, purpose=purpose, token_hash=_sha(raw), expires_at=now + timedelta(hours=hours)))
    record(actor, f"user.{purpose.value}_link", user)
    return raw


def find_one_time_token(raw: str) -> OneTimeToken:
    token = db.session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == _sha(raw or "")))
    if token is None or token.used_at is not None or token.expires_at < utcnow() or not token.user.active:
        raise NotFound(_l("This link is invalid, already used or expired. Ask the secretariat for a new one."))
    return token


def redeem_one_time_token(raw: str, password: str) -> User:
    """Set the password through an activation/reset link; the link then stops working."""
    token = find_one_time_token(raw)
    check_password_strength(password)
    user = token.user
    token.used_at = utcnow()
    user.password_hash = hash_password(password)
    end_sessions(user)
    record(user, f"user.{token.purpose.value}", user)
    return user


# -- RT/RW offices ----------------------------------------------------------------------------

def active_term(office: Area) -> OfficeTerm | None:
    return db.session.scalar(select(OfficeTerm).where(OfficeTerm.area_id == office.id, OfficeTerm.ended_on.is_(None)))


def record_office_head(actor, office: Area, new_head: User, started_on: date) -> OfficeTerm:
    """Hand an RT/RW office to a new head after an election (admin only). The previous term ends
    the day before; the new head carries on everything the office started."""
    policy.require(policy.can_manage_users(actor))
    if office.level not in (AreaLevel.rt, AreaLevel.rw):
        raise ValidationFailed(_l("Only an RT or RW has a head."))
    if not new_head.active:
        raise Conflict(_l("The new head's account is deactivated."))
    current = active_term(office)
    if current is not None and current.user_id == new_head.id:
        raise Conflict(_l("%(name)s already heads this office.", name=new_head.name))
    if current is not None and started_on <= current.started_on:
        raise ValidationFailed(_l("The new term must start after the current one (%(d)s).", d=current.started_on),
                               errors={"started_on": [_l("Must be after %(d)s.", d=current.started_on)]})
    other = new_head.current_term
    if other is not None:
        raise Conflict(_l("%(name)s already heads %(office)s.", name=new_head.name, office=other.area.full_name()))
    if current is not None:
        current.ended_on = started_on - timedelta(days=1)
        db.session.flush()  # the open-term index must see the old term closed first
    if Role.rt_rw_head not in new_head.roles:
        new_head.role_rows.append(UserRole(role=Role.rt_rw_head))
    term = OfficeTerm(area=office, user=new_head, started_on=started_on, recorded_by_id=actor.id)
    db.session.add(term)
    record(actor, "office.change_head", office, new_head=new_head.id,
           previous_head=current.user_id if current else None, started_on=started_on)
    return term


# -- CSV import ---------------------------------------------------------------------------------

USER_CSV_COLUMNS = ["name", "roles", "organisation", "area", "email", "phone"]
ROLE_ALIASES = {
    "ketua_rt": Role.rt_rw_head, "ketua_rw": Role.rt_rw_head, "rt": Role.rt_rw_head, "rw": Role.rt_rw_head,
    "opd": Role.opd_officer, "mitra": Role.partner_rep, "partner": Role.partner_rep,
    "dewan": Role.council_member, "council": Role.council_member,
}


def parse_roles(value: str) -> set[Role] | None:
    roles = set()
    for part in re.split(r"[|;,/ ]+", value.strip().lower()):
        if not part:
            continue
        role = ROLE_ALIASES.get(part) or (Role(part) if part in Role.__members__ else None)
        if role is None:
            return None
        roles.add(role)
    return roles


def import_users_csv(actor, data: bytes) -> list[tuple[User, str]]:
    """Create accounts from a CSV (columns: name, roles, organisation, area, email, phone).
    All or nothing: any bad row rejects the file with every bad line listed.
    Returns each new user with its raw activation token."""
    policy.require(policy.can_manage_users(actor))
    sheet = read_csv(data, USER_CSV_COLUMNS, max_bytes=current_app.config["CSV_MAX_BYTES"])
    orgs = {o.short_name.lower(): o for o in db.session.scalars(select(Organisation))}
    orgs.update({o.name.lower(): o for o in orgs.values()})
    seen_email, seen_phone, seen_office = {}, {}, {}
    plans = []
    for line, row in sheet.rows:
        roles = parse_roles(row.get("roles", ""))
        org = orgs.get(row.get("organisation", "").lower()) if row.get("organisation") else None
        office = None
        if roles is None or not roles:
            sheet.error(line, _l("Unknown role(s) \"%(v)s\"; use %(roles)s.", v=row.get("roles", ""),
                                 roles=", ".join(r.value for r in Role)))
            continue
        if row.get("organisation") and org is None:
            sheet.error(line, _l("Unknown organisation \"%(v)s\".", v=row["organisation"]))
            continue
        if row.get("area"):
            office = db.session.scalar(select(Area).where(Area.code == row["area"]))
            if office is None:
                sheet.error(line, _l("Unknown area code \"%(v)s\".", v=row["area"]))
                continue
        email, phone = normalise_email(row.get("email")), normalise_phone(row.get("phone"))
        for value, seen, label in ((email, seen_email, _l("e-mail")), (phone, seen_phone, _l("phone"))):
            if value and value in seen:
                sheet.error(line, _l("Duplicate %(what)s %(v)s (also on line %(other)d).",
                                     what=label, v=value, other=seen[value]))
        if office is not None and Role.rt_rw_head in roles:
            if office.id in seen_office:
                sheet.error(line, _l("%(office)s is given a head twice (also on line %(other)d).",
                                     office=office.full_name(), other=seen_office[office.id]))
            seen_office[office.id] = line
        problems = _validate_account(row.get("name"), email, phone, roles, org, office)
        for messages in problems.values():
            for message in messages:
                sheet.error(line, message)
        if email:
            seen_email.setdefault(email, line)
        if phone:
            seen_phone.setdefault(phone, line)
        plans.append(dict(name=row["name"], roles=roles, email=email, phone=phone, organisation=org, office=office))
    sheet.raise_if_errors()
    created = []
    for plan in plans:
        user = create_user(actor, **plan)
        created.append((user, issue_one_time_link(actor, user, TokenPurpose.activation)))
    record(actor, "user.import", None, count=len(created))
    return created


# -- API tokens ---------------------------------------------------------------------------------

def user_api_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def create_api_token(actor, name: str) -> tuple[ApiToken, str]:
    """A personal token for the actor; the raw value is returned once and never stored."""
    policy.require(policy.can_manage_api_tokens(actor, actor))
    name = squash(name)
    if not name or len(name) > 80:
        raise ValidationFailed(_l("Give the token a name (at most 80 characters)."),
                               errors={"name": [_l("Give the token a name (at most 80 characters).")]})
    count = db.session.scalar(select(func.count(ApiToken.id)).where(
        ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None)))
    if count >= 20:
        raise Conflict(_l("You already have 20 active tokens; revoke one first."))
    raw = "rmb_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name, prefix=raw[:10], token_hash=_sha(raw))
    db.session.add(token)
    record(actor, "api_token.create", token, name=name)
    return token, raw


def revoke_api_token(actor, token: ApiToken) -> None:
    policy.require(policy.can_manage_api_tokens(actor, token.user))
    if token.revoked_at is not None:
        raise Conflict(_l("This token is already revoked."))
    token.revoked_at = utcnow()
    record(actor, "api_token.revoke", token)


def user_for_api_token(raw: str) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _sha(raw or "")))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user
