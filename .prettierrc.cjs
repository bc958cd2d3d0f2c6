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
    // "strict", not OCA's "preserve": "preserve" still adds whitespace between elements
    // written without any (<h1><field/></h1>, <td><span/></td>), which QWeb and the view
    // parser then see. With "strict" no text or whitespace node of any XML file changes
    // (checked by parsing all of them before and after): only tags and attributes move.
    xmlWhitespaceSensitivity: "strict",
};

module.exports = config;
