"""Domain events (blinker). Services send them; realtime pushes and notifications subscribe.

Every signal's sender is the domain object; keyword arguments always include `actor`.
Subscribers must not commit: they queue side effects with `collab.core.after_commit.on_commit`.

- user_deactivated(user, actor): an account was deactivated (its sockets must close).
- user_logged_out(user, actor): a person logged out (their sockets must close).
"""
from blinker import Namespace

_signals = Namespace()

user_deactivated = _signals.signal("user-deactivated")
user_logged_out = _signals.signal("user-logged-out")

# -- programmes --
# - programme_created(programme, actor)
# - programme_member_invited(member, actor): an organisation was invited to a programme.
# - programme_member_responded(member, actor): an invitation was accepted or declined.
# - commitment_fulfilled(commitment, actor)
# - milestone_completed(milestone, actor)
# - programme_items_realised(programme, actor, items): linked masterplan items were marked realised.
programme_created = _signals.signal("programme-created")
programme_member_invited = _signals.signal("programme-member-invited")
programme_member_responded = _signals.signal("programme-member-responded")
commitment_fulfilled = _signals.signal("commitment-fulfilled")
milestone_completed = _signals.signal("milestone-completed")
programme_items_realised = _signals.signal("programme-items-realised")
# - programme_message_posted(programme, actor, payload): a discussion message was stored; `payload`
#   is its wire shape (collab/programmes/events.py broadcasts it after the commit).
# - programme_member_left(member, actor): an organisation withdrew or was removed; its people lose
#   the discussion channel (their sockets are closed after the commit).
programme_message_posted = _signals.signal("programme-message-posted")
programme_member_left = _signals.signal("programme-member-left")

# -- fgd: the live room listens to these (collab/fgd/events.py) ----------------------------------
# fgd_room_event(fgd_session, actor, event, payload, to_user=None): something happened in a room
#   that its sockets must see (message, message_updated, hands, poll, muted, room_closed, presence);
#   `payload` is a plain dict built before the commit.
# fgd_invited(fgd_session, actor, users): persons were invited (notifications may subscribe).
# fgd_access_lost(fgd_session, actor, user): a person may no longer be in the room.
# fgd_point_proposed(fgd_session, actor, proposal): a facilitator turned a point into a draft
#   proposal credited to `proposal.author`, who completes and submits it (notifications may subscribe).
fgd_room_event = _signals.signal("fgd-room-event")
fgd_invited = _signals.signal("fgd-invited")
fgd_access_lost = _signals.signal("fgd-access-lost")
fgd_point_proposed = _signals.signal("fgd-point-proposed")

# -- proposals --
# - proposal_state_changed(proposal, actor, from_state, to_state, action, note): every step of
#   the state machine (also assignment, whose from_state == to_state).
# - proposal_endorsed(proposal, actor, endorsement)
# - proposal_commented(proposal, actor, comment)
proposal_state_changed = _signals.signal("proposal-state-changed")
proposal_endorsed = _signals.signal("proposal-endorsed")
proposal_commented = _signals.signal("proposal-commented")

# -- council (collab/council) -------------------------------------------------------------------
# - council_sitting_convened(sitting, actor): a sitting was scheduled (members to be told).
# - council_vote_opened(sitting, actor): the vote window opened (seated members to be told).
# - council_ballot_cast(sitting, actor, proposal): a ballot changed (live tally subscribers).
# - council_decided(decision, actor): one proposal's result was computed at close; `decision`
#   has .proposal, .result ("accepted" | "rejected" | "no_quorum") and the counts. The
#   proposal's state change also arrives through proposal_state_changed.
council_sitting_convened = _signals.signal("council-sitting-convened")
council_vote_opened = _signals.signal("council-vote-opened")
council_ballot_cast = _signals.signal("council-ballot-cast")
council_decided = _signals.signal("council-decided")

# -- fgd reminders / minutes --------------------------------------------------------------------
# - fgd_minutes_published(fgd_session, actor)
fgd_minutes_published = _signals.signal("fgd-minutes-published")
