import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { buildM2OFieldDescription, Many2OneField } from "@web/views/fields/many2one/many2one_field";

/**
 * A serial number field that a barcode scanner fills: a scan anywhere on the form (outside
 * an input) looks the serial up, by its number or by the GS1 data of its label, and sets it.
 */
export class SerialScanMany2OneField extends Many2OneField {
    setup() {
        super.setup();
        this.orm = useService("orm");
        this.notification = useService("notification");
        useBus(useService("barcode").bus, "barcode_scanned", (ev) =>
            this.onBarcodeScanned(ev.detail.barcode)
        );
    }

    async onBarcodeScanned(barcode) {
        if (this.props.readonly) {
            return;
        }
        const lot = await this.orm.call("helpdesk.ticket", "serial_find_by_barcode", [barcode]);
        if (!lot) {
            this.notification.add(_t("No serial number matches the scan %s.", barcode), {
                type: "danger",
            });
            return;
        }
        await this.props.record.update({ [this.props.name]: lot });
    }
}

registry.category("fields").add("serial_scan_many2one", {
    ...buildM2OFieldDescription(SerialScanMany2OneField),
});
