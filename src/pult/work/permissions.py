from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

VIEW_ALL = "work.view_all"
VIEW_OUTLET = "work.view_outlet"
SUBMIT = "work.submit"
TAKE = "work.take"
MANAGE = "work.manage"
CONFIGURE = "work.configure"
# Sign-offs of a staged order's stages: a pipeline binds one of these to each stage
# (Stage.sign_permission) and roles hold them, so "who signs" is data.
SIGN_SALES = "work.sign_sales"
SIGN_FINANCE = "work.sign_finance"
SIGN_TECHNICAL = "work.sign_technical"
SIGN_EXPERTISE = "work.sign_expertise"
SIGN_STATE = "work.sign_state"
SIGN_ARCHIVE = "work.sign_archive"

PERMISSIONS = [
    Permission(VIEW_ALL, _("See every work item of the workspace")),
    Permission(VIEW_OUTLET, _("See the work items of one's own outlets")),
    Permission(SUBMIT, _("File work items")),
    Permission(TAKE, _("Take work items from the queue and work on them")),
    Permission(MANAGE, _("Assign, mark urgent, change dates, take any step")),
    Permission(CONFIGURE, _("Edit pipelines: statuses, steps, fields and rules")),
    Permission(SIGN_SALES, _("Sign off the sales stage of an order")),
    Permission(SIGN_FINANCE, _("Sign off the finance stage of an order")),
    Permission(SIGN_TECHNICAL, _("Sign off the technical stage of an order")),
    Permission(SIGN_EXPERTISE, _("Sign off the expertise stage of an order")),
    Permission(SIGN_STATE, _("Sign off the state-approval stage of an order")),
    Permission(SIGN_ARCHIVE, _("Sign off the archive stage of an order")),
]
