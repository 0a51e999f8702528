"""Registry pages: the register, drafting from a customer or a project, a contract's page
with its document, signing, scans and termination."""

from __future__ import annotations

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from utilitycrm.archive.queries import customer_by_account_no
from utilitycrm.archive.views.common import get_customer_or_404
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.contracts import queries, services, terms
from utilitycrm.contracts.forms import (
    DraftForm,
    PaperForm,
    RegisterFilterForm,
    ScanForm,
    SignForm,
    TerminateForm,
)
from utilitycrm.contracts.models import Contract
from utilitycrm.contracts.types import ContractKind, ContractStatus
from utilitycrm.core.config import SUPPORTED_LOCALES
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.pdf import PDF_MIMETYPE
from utilitycrm.core.uploads import upload_limit
from utilitycrm.core.views import forbid_unless, form_action, list_args, list_settings, refuse
from utilitycrm.projects.chains import CONTRACT_STAGE
from utilitycrm.projects.queries import numbered as numbered_project

bp = Blueprint("contracts", __name__, url_prefix="/contracts")
# The form's fields that make a paper contract's entry (services.PaperContract).
PAPER_FIELDS = tuple(services.PaperContract.__dataclass_fields__)


def _url(contract: Contract) -> str:
    return url_for("contracts.contract", number=contract.number)


@bp.route("")
@requires(Permission.VIEW_ARCHIVE)
def index():
    form = RegisterFilterForm(request.args)
    form.validate()
    filters = form.filters(queries.RegisterFilters)
    today = local_today()
    page = queries.register_page(filters, today, page=form.page_number, **list_settings())
    return render_template(
        "contracts/list.html",
        page=page,
        filters=filters,
        sort=queries.register_sort(filters),
        args=list_args(),
        stale=services.stale_changes(page.items),
        may_register=Contract.may_register(current_user),
        today=today,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.VIEW_ARCHIVE)
def new():
    """A draft for the customer ?customer=户号, or for ?project=number at its contract stage."""
    number = request.args.get("project")
    project = db.first_or_404(numbered_project(number)) if number else None
    customer = (
        project.customer if project else get_customer_or_404(request.args.get("customer", ""))
    )
    forbid_unless(Contract.can_draft_for(current_user, customer))
    form = DraftForm(language=current_app.config["BABEL_DEFAULT_LOCALE"])
    data = terms.contract_data(customer, project=project)
    missing = terms.missing(data)
    if form.validate_on_submit():
        try:
            contract = services.create_draft(
                customer,
                services.DraftRequest(
                    language=form.language.data, starts_on=form.starts_on.data,
                    ends_on=form.ends_on.data, project=project,
                ),
                actor=current_user, today=local_today(),
            )  # fmt: skip
        except services.ContractRefused as error:
            db.session.rollback()
            missing = error.missing
        except UtilityCRMError as error:
            refuse(error)
        else:
            db.session.commit()
            flash(_("Draft contract %(number)s is made.", number=contract.number), "success")
            return redirect(_url(contract))
    return render_template(
        "contracts/new.html",
        form=form,
        customer=customer,
        project=project,
        data=data,
        missing=missing,
        kind=ContractKind.for_voltage(customer.voltage_kv),
        in_force=services.in_force_for(customer.id),
    ), (422 if form.is_submitted() else 200)


@bp.route("/paper", methods=["GET", "POST"])
@requires(Permission.VIEW_ARCHIVE)
def paper_new():
    """Register a contract signed on paper (for ?customer=户号, or the 户号 typed)."""
    forbid_unless(Contract.may_register(current_user))
    return _paper(None)


@bp.route("/<number>/paper", methods=["GET", "POST"])
@requires(Permission.VIEW_ARCHIVE)
def paper_edit(number: str):
    """Correct the register entry of a contract signed on paper, its terms included."""
    contract = db.first_or_404(queries.numbered(number))
    forbid_unless(contract.is_paper and contract.can_work(current_user))
    return _paper(contract)


def _paper(contract: Contract | None):
    if contract is None:
        form = PaperForm(account_no=request.args.get("customer", ""))
        customer = customer_by_account_no((form.account_no.data or "").strip())
        if customer is not None and not form.is_submitted():
            form.kind.data = ContractKind.for_voltage(customer.voltage_kv).value
    else:
        form = PaperForm(obj=contract, account_no=contract.customer.account_no)
        customer = contract.customer
    if form.validate_on_submit():
        if customer is None:
            form.account_no.errors.append(_("No customer has this account no."))
        else:
            forbid_unless(Contract.can_draft_for(current_user, customer))
            fields = {name: form[name].data for name in PAPER_FIELDS}
            try:
                saved = services.save_paper(
                    customer, services.PaperContract(**fields), actor=current_user,
                    today=local_today(), contract=contract,
                )  # fmt: skip
            except UtilityCRMError as error:
                refuse(error)
            else:
                db.session.commit()
                flash(_("Contract %(number)s is registered.", number=saved.number), "success")
                return redirect(_url(saved))
    return render_template(
        "contracts/paper.html",
        form=form,
        contract=contract,
        customer=customer,
        data=terms.contract_data(customer) if customer else None,
    ), (422 if form.is_submitted() else 200)


@bp.route("/<number>")
@requires(Permission.VIEW_ARCHIVE)
def contract(number: str):
    contract = db.first_or_404(queries.numbered(number))
    today = local_today()
    can_work = contract.can_work(current_user)
    return render_template(
        "contracts/contract.html",
        contract=contract,
        changes=services.stale_changes([contract]).get(contract.id, []),
        paper=terms.paper_terms([contract])[contract.id] if contract.is_paper else None,
        can_work=can_work,
        can_sign=can_work and contract.is_draft,
        sign_form=SignForm(
            formdata=None, signed_on=today, starts_on=contract.starts_on, ends_on=contract.ends_on
        ),
        scan_form=ScanForm(formdata=None),
        terminate_form=TerminateForm(formdata=None, day=today),
        languages=SUPPORTED_LOCALES,
        status_enum=ContractStatus,
        today=today,
    )


@bp.route("/<number>/document.pdf")
@requires(Permission.VIEW_ARCHIVE)
def document(number: str):
    """A draft rendered from today's archive; a signed contract's frozen PDF, as signed."""
    contract = db.first_or_404(queries.numbered(number))
    if contract.is_draft:
        language = request.args.get("lang")
        pdf = services.render_draft(
            contract, language=language if language in SUPPORTED_LOCALES else None
        )
        name = f"{contract.number}-draft.pdf"
    else:
        frozen = contract.file("signed")
        if frozen is None:  # a draft abandoned before signing has no document left
            abort(404)
        pdf, name = frozen.content, frozen.filename
    return send_file(BytesIO(pdf), mimetype=PDF_MIMETYPE, download_name=name)


@bp.route("/<number>/files/<int:file_id>")
@requires(Permission.VIEW_ARCHIVE)
def file(number: str, file_id: int):
    contract = db.first_or_404(queries.numbered(number))
    item = next((f for f in contract.files if f.id == file_id), None)
    if item is None:
        abort(404)
    return send_file(
        BytesIO(item.content), mimetype=item.media_type, download_name=item.filename,
        as_attachment=item.role == "scan",
    )  # fmt: skip


def _act(number: str, form_class, action):
    """Run one registry action from its form; refusals are flashed, nothing is saved."""
    contract = db.first_or_404(queries.numbered(number))
    forbid_unless(contract.can_work(current_user))
    today = local_today()
    return form_action(form_class(), lambda form: action(contract, form, today), _url(contract))


@bp.route("/<number>/sign", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def sign(number: str):
    def action(contract, form, today):
        services.sign(
            contract,
            services.Signing(
                signed_on=form.signed_on.data, starts_on=form.starts_on.data,
                ends_on=form.ends_on.data, customer_signatory=form.customer_signatory.data,
                utility_signatory=form.utility_signatory.data,
            ),
            actor=current_user, today=today,
        )  # fmt: skip
        return _(
            "Contract %(number)s is signed; its PDF and data are frozen.", number=contract.number
        )

    return _act(number, SignForm, action)


@bp.route("/<number>/scan", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
@upload_limit("CONTRACT_SCAN_MAX_BYTES")
def scan(number: str):
    def action(contract, form, today):
        services.attach_scan(
            contract, data=form.scan.data.read(), filename=form.scan.data.filename or "",
            actor=current_user,
        )  # fmt: skip
        return _("The scan is kept with the contract.")

    return _act(number, ScanForm, action)


@bp.route("/<number>/terminate", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def terminate(number: str):
    def action(contract, form, today):
        services.terminate(
            contract, day=form.day.data, reason=form.reason.data, actor=current_user, today=today
        )
        return _("Contract %(number)s is terminated.", number=contract.number)

    return _act(number, TerminateForm, action)


@bp.route("/<number>/renew", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def renew(number: str):
    contract = db.first_or_404(queries.numbered(number))
    forbid_unless(contract.can_work(current_user))
    try:  # the POST is CSRF-checked app-wide; there is nothing else to post
        draft = services.renew(contract, actor=current_user, today=local_today())
    except UtilityCRMError as error:
        refuse(error)
        return redirect(_url(contract))
    db.session.commit()
    flash(
        _("Draft contract %(number)s renews %(old)s.", number=draft.number, old=contract.number),
        "success",
    )
    return redirect(_url(draft))


def customer_panel(customer) -> dict[str, object]:
    """The customer page's contracts panel, with the terms the archive changed since signing."""
    contracts = queries.for_customer(customer.id)
    return {
        "contracts": contracts,
        "contract_changes": services.stale_changes(contracts),
        "can_draft_contract": Contract.can_draft_for(current_user, customer),
    }


def project_panel(project) -> dict[str, object]:
    """The project page's contract panel: its contracts, and a draft at the contract stage."""
    stage = project.current_stage
    return {
        "contracts": queries.for_project(project.id),
        "at_contract_stage": stage is not None and stage.code == CONTRACT_STAGE,
        "can_draft_contract": project.is_active
        and Contract.can_draft_for(current_user, project.customer),
    }
