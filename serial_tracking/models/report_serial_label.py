from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.base.models.ir_actions_report import _wkhtml

from ..tools import digital_link, gs1, label_layout, label_symbols, unit_proof
from . import tools_messages

#: Text a label may show, in the order it is printed.
LABEL_TEXTS = ("product", "gtin", "serial", "batch", "expiry", "company")
DEFAULT_OPTIONS = {
    "label_format": "single_50x25",
    "symbologies": ["gs1_datamatrix"],
    "copies": 1,
    "texts": ["product", "serial"],
}
_GS1_SYMBOLOGIES = frozenset({"gs1_128", "gs1_datamatrix", "gs1_qr", "qr_link"})
_NAMED = 10  # serials named in one error message
MAX_COPIES = 1000
# Labels of one print (serials x copies): every label is an SVG page element for wkhtmltopdf
MAX_LABELS = 10_000
SCALE_PARAM = "serial_tracking.label_css_scale"
# wkhtmltopdf built on an unpatched Qt (Debian's) prints CSS millimetres at 96/125 of their
# size and ignores --zoom; label lengths are written scaled back to true size.
_UNPATCHED_QT_SCALE = 125 / 96


class ReportSerialLabel(models.AbstractModel):
    """Labels of serials: every symbol drawn server-side as SVG and embedded as a data URI.

    Each label format has its own report (``report_serial_label_<format>``, one paper format
    each, see ``report_serial_label_formats.py``); this model holds what they share. The
    options come from ``serial.label.wizard`` (``data``) or, printed with record ids only,
    :data:`DEFAULT_OPTIONS`.
    """

    _name = "report.serial_tracking.report_serial_label"
    _description = "Serial Labels"

    #: Label format of the report (its paper format); set by each format's report.
    _serial_label_format = None

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        options = dict(DEFAULT_OPTIONS, **(data.get("serial_label_options") or {}))
        # the paper is the report's: its labels must be laid out for it
        options["label_format"] = self._serial_label_format or options["label_format"]
        lots = self._serial_lots_to_print(docids, data)
        labels = self._serial_labels(lots, options)
        fmt = label_layout.FORMATS[options["label_format"]]
        pages = [
            [
                (label, *self._serial_label_position(fmt, index))
                for index, label in enumerate(labels[start : start + fmt.per_page])
            ]
            for start in range(0, len(labels), fmt.per_page)
        ]
        return {
            "doc_ids": lots.ids,
            "doc_model": "stock.lot",
            "docs": lots,
            "pages": pages,
            "fmt": fmt,
            "mm": self._serial_mm_formatter(pdf=data.get("report_type") == "pdf"),
        }

    @api.model
    def _serial_lots_to_print(self, docids, data):
        """The serials of the print: the report's ids or, from the wizard, ``lot_ids``.

        The web client puts no record ids in the URL of an action that carries ``data``
        (``getReportUrl``), so the wizard passes its serials in ``data``.
        """
        ids = docids or data.get("lot_ids")
        if not ids:
            raise UserError(
                self.env._(
                    "No serial to print labels for: select serials, then print their labels."
                )
            )
        return self.env["stock.lot"].browse(ids)

    @api.model
    def _serial_mm_formatter(self, pdf=True):
        """``mm(12.5)`` -> the CSS length that prints as 12.5 mm on paper (in a browser,
        for the HTML preview, millimetres are millimetres)."""
        scale = self._serial_css_scale() if pdf else 1.0
        return lambda value: f"{value * scale:.3f}mm"

    @api.model
    def _serial_css_scale(self):
        """Factor that makes label millimetres true millimetres on paper.

        ``serial_tracking.label_css_scale`` overrides the value chosen from the wkhtmltopdf
        build, for printers that need their own calibration.
        """
        override = self.env["ir.config_parameter"].sudo().get_param(SCALE_PARAM)
        if override:
            return float(override)
        return 1.0 if _wkhtml().is_patched_qt else round(_UNPATCHED_QT_SCALE, 6)

    @api.model
    def _serial_label_position(self, fmt, index):
        """Left and top (mm) of the ``index``-th label of a page, row by row."""
        row, column = divmod(index, fmt.columns)
        return (
            round(fmt.margin_x + column * fmt.label_width, 2),
            round(fmt.margin_y + row * fmt.label_height, 2),
        )

    # --- data of one unit ---------------------------------------------------------------

    @api.model
    def _serial_gtin(self, product):
        """The product's barcode as a 14-digit GTIN, or ``False`` when it is not a GTIN."""
        try:
            return gs1.normalize_gtin(product.barcode or "")
        except (gs1.GS1Error, TypeError):
            return False

    @api.model
    def _serial_expiry(self, lot):
        """Expiry date of the unit: product_expiry's ``expiration_date`` when installed."""
        if "expiration_date" in lot._fields and lot.expiration_date:
            return fields.Date.context_today(self, lot.expiration_date)
        return False

    @api.model
    def _serial_resolver(self, company):
        company = company or self.env.company
        return company.serial_resolver_url or self.env["ir.config_parameter"].sudo().get_param(
            "web.base.url"
        )

    @api.model
    def _serial_unit_data(self, lot, with_gs1=True):
        """GS1 pairs and Digital Link of one unit; ``pairs`` is empty without a GTIN.

        Without ``with_gs1`` (no GS1 symbol asked for) only the GTIN and expiry are read:
        the serial then need not fit GS1's character set.
        """
        gtin = self._serial_gtin(lot.product_id)
        expiry = self._serial_expiry(lot)
        values = {"gtin": gtin, "expiry": expiry, "pairs": [], "link": False}
        if not gtin or not with_gs1:
            return values
        pairs = [("01", gtin), ("21", lot.name)]
        if lot.batch_code:
            pairs.append(("10", lot.batch_code))
        if expiry:
            pairs.append(("17", expiry.strftime("%y%m%d")))
        values["pairs"] = pairs
        # the proof token lets the public page show the unit's warranty to who holds it
        token = self.env["serial.unit.proof"]._serial_token(gtin, lot.name)
        values["link"] = digital_link.build_digital_link(
            pairs,
            self._serial_resolver(lot.company_id),
            lot_in_query=True,
            extensions=[(unit_proof.TOKEN_PARAM, token)],
        )
        return values

    # --- labels -------------------------------------------------------------------------

    @api.model
    def _serial_labels(self, lots, options):
        """One dict per printed label (copies included), or a UserError naming every unit
        that cannot be printed as asked, the rule it breaks and what to do."""
        symbologies = [code for code in label_symbols.SYMBOLOGIES if code in options["symbologies"]]
        if not symbologies:
            raise UserError(self.env._("Choose at least one symbology to print."))
        copies = int(options.get("copies", 1))
        if not 1 <= copies <= MAX_COPIES:
            raise UserError(
                self.env._("Print between 1 and %(max)s copies of each label.", max=MAX_COPIES)
            )
        if len(lots) * copies > MAX_LABELS:
            raise UserError(
                self.env._(
                    "%(serials)s serials x %(copies)s copies is %(labels)s labels, more than the "
                    "limit of %(max)s in one print: print fewer serials or copies at a time.",
                    serials=f"{len(lots):,}",
                    copies=copies,
                    labels=f"{len(lots) * copies:,}",
                    max=f"{MAX_LABELS:,}",
                )
            )
        texts = [text for text in LABEL_TEXTS if text in options["texts"]]
        linear = [code for code in symbologies if code in label_symbols.LINEAR]
        layout = self._serial_layout_for(
            options["label_format"], len(linear), len(symbologies) - len(linear), len(texts)
        )
        labels, problems = [], []
        for lot in lots:
            try:
                label = self._serial_label(lot, symbologies, texts, layout)
            except (
                UserError,
                label_symbols.LabelSymbolError,
                gs1.GS1Error,
                digital_link.DigitalLinkError,
            ) as exc:
                problems.append(f"{lot.display_name}: {tools_messages.translate(self.env, exc)}")
                continue
            labels.extend([label] * copies)
        if problems:
            raise UserError(
                self.env._(
                    "These serials cannot be printed as asked:\n%(problems)s",
                    problems="\n".join(problems[:_NAMED])
                    + ("\n…" if len(problems) > _NAMED else ""),
                )
            )
        return labels

    @api.model
    def _serial_layout_for(self, label_format, linear_count, square_count, text_count):
        if label_format not in label_layout.FORMATS:
            raise UserError(self.env._("Unknown label format %s.", label_format))
        return label_layout.plan(
            label_layout.FORMATS[label_format], linear_count, square_count, text_count
        )

    @api.model
    def _serial_label(self, lot, symbologies, texts, layout):
        with_gs1 = bool(_GS1_SYMBOLOGIES.intersection(symbologies))
        unit = self._serial_unit_data(lot, with_gs1=with_gs1)
        if not unit["pairs"] and with_gs1:
            raise UserError(
                self.env._(
                    "its product %(product)s has no valid GTIN (barcode %(barcode)s): enter its "
                    "GTIN-8, -12, -13 or -14 as the product's barcode, or print Code 128 only.",
                    product=lot.product_id.display_name,
                    barcode=lot.product_id.barcode or self.env._("empty"),
                )
            )
        symbols = [
            label_symbols.render(
                code, serial=lot.name, elements=unit["pairs"] or None, link=unit["link"]
            )
            for code in symbologies
        ]
        for symbol in symbols:
            size = label_layout.too_small(symbol, layout)
            if size is not None:
                raise UserError(
                    self.env._(
                        "%(symbology)s would print with %(size)s mm modules on this format, too "
                        "small to scan: choose a larger format or fewer symbols.",
                        symbology=label_symbols.SYMBOLOGIES[symbol.symbology][0],
                        size=size,
                    )
                )
        env = self.env
        expiry = unit["expiry"] and fields.Date.to_string(unit["expiry"])
        values = {
            "product": lot.product_id.display_name,
            "gtin": unit["gtin"] and env._("GTIN %s", unit["gtin"]),
            "serial": env._("SN %s", lot.name),
            "batch": lot.batch_code and env._("LOT %s", lot.batch_code),
            "expiry": expiry and env._("EXP %s", expiry),
            "company": lot.company_id.name or self.env.company.name,
        }
        return {
            "lot": lot,
            "layout": layout,
            "linear": [symbol for symbol in symbols if symbol.linear],
            "square": [symbol for symbol in symbols if not symbol.linear],
            "texts": [(key, values[key]) for key in texts if values[key]],
        }
