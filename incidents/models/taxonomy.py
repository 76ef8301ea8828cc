"""Reference data that incidents point at: data categories, breach vectors, tags, systems."""

from django.db import models


class SensitivityTier(models.IntegerChoices):
    LOW = 1, "1 low"
    MODERATE = 2, "2 moderate"
    HIGH = 3, "3 high"
    CRITICAL = 4, "4 critical"


class EnisaDataType(models.TextChoices):
    """ENISA 2013 Table 1 data types and their basic DPC score (1-4)."""

    UNSET = "", "Not classified"
    SIMPLE = "simple", "Simple data (basic score 1)"
    BEHAVIOURAL = "behavioural", "Behavioural data (basic score 2)"
    FINANCIAL = "financial", "Financial data (basic score 3)"
    SENSITIVE = "sensitive", "Sensitive data (basic score 4)"


class DataCategory(models.Model):
    """A kind of data that can be exposed (e.g. viewing history), with its legal flags.
    Admin-editable catalogue; seeded by migration 0004."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=400, blank=True)
    personal_data = models.BooleanField(default=False)
    special_category = models.BooleanField(
        default=False, help_text="GDPR Art. 9 special category (health, biometric, ...)."
    )
    sensitivity = models.PositiveSmallIntegerField(
        choices=SensitivityTier.choices, default=SensitivityTier.MODERATE
    )
    enisa_data_type = models.CharField(
        max_length=12, choices=EnisaDataType.choices, blank=True, verbose_name="ENISA data type"
    )
    children = models.BooleanField(default=False, help_text="Data about children.")
    withheld_from_partners = models.BooleanField(
        default=False,
        help_text="Never listed in partner notices (secrets, internal architecture).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "data categories"

    def __str__(self) -> str:
        return self.name


class BreachVector(models.Model):
    """How the breach happened: a small seeded taxonomy (migration 0004)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free label on incidents, created on first use."""

    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class System(models.Model):
    """An affected system or service (also what credentials belong to)."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
