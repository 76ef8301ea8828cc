from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0024_delivery_heartbeat'),
    ]

    operations = [
        migrations.AddField(
            model_name='checkrun',
            name='summary',
            field=models.TextField(blank=True, max_length=500, null=True),
        ),
    ]
