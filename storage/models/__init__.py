"""SQLAlchemy 2 models of the whole product, times in UTC: one declarative schema in modules by aggregate. Every
table is importable from here, and importing this package registers them all on `Base.metadata` (Alembic and the
tests rely on it)."""

from storage.models.base import NAMING, Base, UTCDateTime, new_uid
from storage.models.goals import Expectation, Goal, GoalUpdate, GrowthItem, GrowthNote, KeyResult, KeyResultUpdate
from storage.models.ideas import Idea, IdeaComment, IdeaMeasure, IdeaRecognition, IdeaResult, IdeaStatusChange, IdeaVote
from storage.models.installs import AppInstall, OAuthState
from storage.models.organisations import Organisation
from storage.models.outbox import UNSENT, Delivery, InboundEvent, PacingSlot
from storage.models.people import Account, OrgImport, Person, Team
from storage.models.recognition import (
    Feedback,
    FeedbackRequest,
    FeedbackRequestTarget,
    Kudos,
    KudosRecipient,
    KudosValue,
)
from storage.models.rhythm import (
    Checkin,
    OneOnOne,
    OneOnOneEntry,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyRound,
    SurveySubmission,
    SurveyTally,
)

__all__ = [
    "NAMING", "UNSENT", "Account", "AppInstall", "Base", "Checkin", "Delivery", "Expectation", "Feedback",
    "FeedbackRequest", "FeedbackRequestTarget", "Goal", "GoalUpdate", "GrowthItem", "GrowthNote", "Idea",
    "IdeaComment", "IdeaMeasure", "IdeaRecognition", "IdeaResult", "IdeaStatusChange", "IdeaVote", "InboundEvent",
    "KeyResult", "KeyResultUpdate", "Kudos", "KudosRecipient", "KudosValue", "OAuthState", "OneOnOne",
    "OneOnOneEntry", "OrgImport", "Organisation", "PacingSlot", "Person", "Survey", "SurveyAnswer",
    "SurveyParticipation", "SurveyQuestion", "SurveyRound", "SurveySubmission", "SurveyTally", "Team",
    "UTCDateTime", "new_uid",
]
