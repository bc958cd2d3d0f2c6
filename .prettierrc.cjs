// Prettier for the JS, SCSS, XML and YAML of serial_tracking (run by .pre-commit-config.yaml).
// OCA's addons template (Odoo >= 18) with the repository's own widths: 4-space indents and
// 100 columns, as ruff.toml and the existing files.
/** @type {import('prettier').Config} */
const config = {
    plugins: [require.resolve("@prettier/plugin-xml")],
    printWidth: 100,
    tabWidth: 4,
    proseWrap: "always",
    semi: true,
    trailingComma: "es5",
    // "preserve" (as OCA): text and whitespace between elements stay as written, so field
    // values and QWeb output cannot change; only tags and attributes are laid out.
    xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
