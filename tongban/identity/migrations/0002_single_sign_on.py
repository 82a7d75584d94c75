from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion
import django.utils.timezone


class Migration(migrations.Migration):
    """Single sign-on records, apart from 0001: django-oauth-toolkit's tables depend on the
    account model, and these depend on its application table."""

    dependencies = [
        ('identity', '0001_initial'),
        migrations.swappable_dependency(settings.OAUTH2_PROVIDER_APPLICATION_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OidcClient',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sector', models.CharField(max_length=255, verbose_name='sector')),
                ('application', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='tongban_client', to=settings.OAUTH2_PROVIDER_APPLICATION_MODEL, verbose_name='application')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='oidc_clients', to='core.department', verbose_name='department')),
            ],
            options={
                'verbose_name': 'single sign-on client',
                'verbose_name_plural': 'single sign-on clients',
            },
        ),
        migrations.CreateModel(
            name='Consent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scopes', models.JSONField(default=list, verbose_name='scopes')),
                ('granted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='granted at')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents', to=settings.AUTH_USER_MODEL, verbose_name='account')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tongban_consents', to=settings.OAUTH2_PROVIDER_APPLICATION_MODEL, verbose_name='application')),
            ],
            options={
                'verbose_name': 'consent',
                'verbose_name_plural': 'consents',
                'constraints': [models.UniqueConstraint(fields=('account', 'application'), name='consent_once')],
            },
        ),
    ]
