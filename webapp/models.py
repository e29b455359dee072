"""Imports every model so SQLAlchemy and Alembic see the whole schema."""
from .archive.models import (  # noqa: F401
    Cabinet,
    Contact,
    Customer,
    Device,
    HandoverItem,
    QrLabel,
    Room,
    Site,
)
from .audit.models import AuditLog  # noqa: F401
from .auth.models import StandIn, User, UserSession, customer_technician  # noqa: F401
from .records import SyncCounter  # noqa: F401
from .repairs.models import RepairTicket, TicketNumberCounter  # noqa: F401
from .repairs.events import RepairEvent  # noqa: F401
from .workcal.models import WorkCalendarYear  # noqa: F401
from .documents.models import Blob, Document, Photo, Signature  # noqa: F401
from .notifications.models import Notification  # noqa: F401
from .maintenance.diary import DiaryEntry  # noqa: F401
from .maintenance.models import ChecklistTemplate, Inspection, MaintenancePlan, Visit  # noqa: F401
from .appraisal.models import AppraisalAdjustment, AppraisalScheme, Suggestion  # noqa: F401
from .knowledge.models import Article, ArticleModel, ArticleTerm, ArticleVersion  # noqa: F401
from .projects.models import (  # noqa: F401
    Attachment,
    Change,
    CompletionReport,
    EntryReview,
    ExternalAcceptance,
    Handover,
    HandoverCheck,
    InternalAcceptance,
    LogEntry,
    Milestone,
    PlanRevision,
    Project,
    ProjectDevice,
    ProjectMember,
    Rectification,
    Training,
)
from .training.models import (  # noqa: F401
    Seminar,
    SeminarItem,
    TrainingAttendee,
    TrainingMaterial,
    TrainingSession,
    seminar_attendee,
)
from .reports.models import MonthlyReport, ProductIssue  # noqa: F401
