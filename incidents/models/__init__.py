from incidents.models.access_policy import RoleMfaPolicy, UserSession
from incidents.models.case_bundle import CaseBundle
from incidents.models.checklist import (
    ITEM_FINISHED,
    RUN_FINISHED,
    ChecklistItem,
    CheckRun,
    ItemState,
    Playbook,
    PlaybookItem,
    RunStatus,
    StepNote,
)
from incidents.models.checkpoint import (
    AuditCheckpoint,
    AuditVerification,
    CheckpointHead,
    WitnessReceipt,
)
from incidents.models.confirmation import Confirmation, ConfirmationState
from incidents.models.event import GENESIS_HASH, Event, EventOutbox
from incidents.models.evidence import Evidence, EvidenceBlob, EvidenceLink, EvidenceSource
from incidents.models.exposure import Exposure, ExposureStatus, Protection
from incidents.models.import_job import ImportJob
from incidents.models.incident import (
    KEY_TIMES,
    SEVERITY_MEANING,
    DataRole,
    Incident,
    ReferenceCounter,
    Severity,
)
from incidents.models.lifecycle import CLOSED_STATES, Status
from incidents.models.note import Note
from incidents.models.notice import (
    Audience,
    Channel,
    Notice,
    NoticeBatch,
    NoticeDelivery,
    NoticeState,
    NoticeTemplate,
    Partner,
    PartnerContact,
)
from incidents.models.notification import Notification
from incidents.models.obligation import Obligation, ObligationState
from incidents.models.profile import EmailNotifications, UserProfile
from incidents.models.revision import Revision
from incidents.models.risk import Backup, Measures, Recipients, RiskAssessment
from incidents.models.rotation import (
    ROTATION_DONE,
    ROTATION_FLOW,
    Credential,
    CredentialKind,
    ProbeSecret,
    RotationState,
    RotationTask,
)
from incidents.models.security_log import SECURITY_CHAIN, SecurityEvent, SecurityLogHead
from incidents.models.taxonomy import (
    BreachVector,
    DataCategory,
    EnisaDataType,
    SensitivityTier,
    System,
    Tag,
)

__all__ = [
    "CLOSED_STATES",
    "GENESIS_HASH",
    "ITEM_FINISHED",
    "KEY_TIMES",
    "ROTATION_DONE",
    "ROTATION_FLOW",
    "RUN_FINISHED",
    "SECURITY_CHAIN",
    "SEVERITY_MEANING",
    "Audience",
    "AuditCheckpoint",
    "AuditVerification",
    "Backup",
    "BreachVector",
    "CaseBundle",
    "Channel",
    "CheckRun",
    "ChecklistItem",
    "CheckpointHead",
    "Confirmation",
    "ConfirmationState",
    "Credential",
    "CredentialKind",
    "DataCategory",
    "DataRole",
    "EmailNotifications",
    "EnisaDataType",
    "Event",
    "EventOutbox",
    "Evidence",
    "EvidenceBlob",
    "EvidenceLink",
    "EvidenceSource",
    "Exposure",
    "ExposureStatus",
    "ImportJob",
    "Incident",
    "ItemState",
    "Measures",
    "Note",
    "Notice",
    "NoticeBatch",
    "NoticeDelivery",
    "NoticeState",
    "NoticeTemplate",
    "Notification",
    "Obligation",
    "ObligationState",
    "Partner",
    "PartnerContact",
    "Playbook",
    "PlaybookItem",
    "ProbeSecret",
    "Protection",
    "Recipients",
    "ReferenceCounter",
    "Revision",
    "RiskAssessment",
    "RoleMfaPolicy",
    "RotationState",
    "RotationTask",
    "RunStatus",
    "SecurityEvent",
    "SecurityLogHead",
    "SensitivityTier",
    "Severity",
    "Status",
    "StepNote",
    "System",
    "Tag",
    "UserProfile",
    "UserSession",
    "WitnessReceipt",
]
