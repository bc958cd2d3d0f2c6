"""Reading the core's sentences in another language, in tests."""

from odoo.tools.translate import code_translations

from ..tools import messages


def use_french(case, sentences):
    """Activate fr_FR and translate some sentences of the core for the rest of ``case``'s test.

    :param sentences: ``{sentence code: French sentence}`` (codes of ``tools.messages``);
        the other sentences keep whatever translation they have.
    """
    case.env["res.lang"]._activate_lang("fr_FR")
    key = ("serial_tracking", "fr_FR")
    translations = code_translations.get_python_translations(*key)
    case.addCleanup(code_translations.python_translations.pop, key, None)
    code_translations.python_translations[key] = dict(
        translations, **{messages.SENTENCES[code]: french for code, french in sentences.items()}
    )
