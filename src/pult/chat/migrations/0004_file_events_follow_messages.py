"""Events of files sent with chat messages were recorded on the item, so the feed and
the item's timeline showed a file's name to people the message's rules hide it from.
They now point at the message (services.message_post does so for new files)."""

from django.db import migrations


def point_file_events_at_messages(apps, schema_editor):  # type: ignore[no-untyped-def]
    ContentType = apps.get_model("contenttypes", "ContentType")
    Event = apps.get_model("activity", "Event")
    Message = apps.get_model("chat", "Message")
    message_type, _created = ContentType.objects.get_or_create(app_label="chat", model="message")
    message_of = dict(
        Message.attachments.through.objects.values_list("attachment_id", "message_id")
    )
    if not message_of:
        return
    events = Event.objects.filter(verb="documents.attachment_added").exclude(
        target_type=message_type
    )
    for event in events.iterator(chunk_size=2000):
        message_id = message_of.get((event.payload or {}).get("attachment_id"))
        if message_id is not None:
            event.target_type = message_type
            event.target_id = message_id
            event.save(update_fields=["target_type", "target_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0001_initial"),
        ("chat", "0003_messagevisibilityrule"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(point_file_events_at_messages, migrations.RunPython.noop),
    ]
