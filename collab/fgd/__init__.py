"""FGD sessions: scheduling, invitations, check-in, the live room and the minutes (notulen)."""
