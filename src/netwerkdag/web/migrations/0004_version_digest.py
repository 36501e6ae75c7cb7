"""Each published version gets the SHA-256 of its document, the key of the web app's caches (not the
version's id, which a restored backup gives to another programme); existing versions get theirs here."""

import hashlib

from django.db import migrations, models
from django.db.models import Q


def fill_digests(apps, schema_editor):
    ProgrammeVersion = apps.get_model("web", "ProgrammeVersion")
    for version in ProgrammeVersion.objects.only("pk", "document").iterator():
        digest = hashlib.sha256(version.document.encode("utf-8")).hexdigest()
        ProgrammeVersion.objects.filter(pk=version.pk).update(digest=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0003_texts_as_long_as_the_file_allows"),
    ]

    operations = [
        migrations.AddField(
            model_name="programmeversion",
            name="digest",
            field=models.CharField(db_index=True, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="programmeversion",
            constraint=models.CheckConstraint(condition=~Q(digest=""), name="version_has_digest"),
        ),
    ]
