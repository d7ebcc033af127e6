"""Weekly check-ins: asked on each person's day and local hour, answered any time with /checkin.

Answers go to the person and their manager; blockers are flagged. One reminder to those who have not
answered. No prompt on weekends, holidays, or while someone is away (see bot/away.py). `commands` is
/checkin and the due prompts, `reactions` a manager's reply to a report's check-in and editing one's own.
"""
