"""Every word of the orders report, in English, Spanish and Portuguese: a translator edits this file only.

:data:`TEXT` holds one dictionary per language with the same keys; values
are :meth:`str.format` templates (``{customers}`` is filled in by
:mod:`course_lib.report`). :func:`number`, :func:`money`, :func:`percent` and
:func:`day` write numbers and dates the way each language does (``1,234.56``
in English, ``1.234,56`` in Spanish and Portuguese), and
:func:`guess_language` picks the language from a file's column names.

Examples
--------
>>> number(1234.5, "es", decimals=2), number(1234.5, "en", decimals=2)
('1.234,50', '1,234.50')
>>> money(-1234.5, "pt", "R$"), money(14.95, "es", "€"), money(3.0, "en", None)
('-R$ 1.234,50', '14,95 €', '3.00')
>>> guess_language(["Cliente", "Fecha", "Importe (€)", "Pedido"])
'es'
>>> guess_language(["Cliente", "Data", "Valor", "Quantidade"])
'pt'
>>> guess_language(["customer", "date", "amount"])
'en'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

import pandas as pd

__all__ = [
    "LANGUAGES",
    "SEGMENTS",
    "TEXT",
    "day",
    "guess_language",
    "money",
    "number",
    "percent",
    "period_label",
    "segment_action",
    "segment_name",
]

LANGUAGES = ("en", "es", "pt")

#: Words (lower case, no accents) that only a Spanish or only a Portuguese column name would use.
_LANGUAGE_WORDS: Mapping[str, frozenset[str]] = {
    "es": frozenset(
        "fecha importe cantidad precio factura monto correo nombre devolucion venta ventas pagado envio "
        "ciudad apellido telefono cliente clientes pedido pedidos producto productos estado unitario "
        "articulo descuento".split()
    ),
    "pt": frozenset(
        "data quantidade preco nome venda vendas frete cidade sobrenome telefone situacao pedido pedidos "
        "produto produtos cliente clientes unitario desconto".split()
    ),
}

# Money is written with the currency before the number, except these (after it, with a space).
_CURRENCY_AFTER = frozenset({"€", "EUR", "MXN", "ARS", "COP", "CLP", "UYU", "CHF"})

TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "Your customers: report on {file}",
        "lead": "Orders from {first} to {last} ({days} days). Your file was only read, never changed.",
        # reconciliation
        "reconcile_heading": "Does this match your books?",
        "reconcile_intro": (
            "Start from the total of your file and follow each step to the revenue analysed on this page. "
            "The rows left out and the revenue analysed add up to your file's total."
        ),
        "col_step": "Step",
        "col_rows": "Rows",
        "col_money": "Money",
        "step_file_total": "Total of your file (every amount as written, refunds included)",
        "step_refunded": "Sales refunded or cancelled in full, with their refunds (left out)",
        "step_unmatched": "Refunds with no sale to match in the file (left out)",
        "step_guests": "Guest orders: no customer to follow (left out)",
        "step_no_date_or_amount": "Rows with no date or no amount (left out; money: the amounts that could be read)",
        "step_other": "Anything else left out: the same row twice, amounts of zero",
        "step_analysed": "Revenue analysed on this page",
        "partial_refunds": "Partial refunds already subtracted from their orders: {count} ({money}).",
        "reconcile_check": "Check: {analysed} + {left_out} left out = {total}, your file's total.",
        # headline
        "headline_heading": "At a glance",
        "card_customers": "customers who bought",
        "card_purchases": "purchases",
        "card_revenue": "revenue, after refunds",
        "card_mean_purchase": "average purchase",
        "card_repeat": "customers who came back (2 or more purchases)",
        "card_top_fifth": "of the revenue comes from your best fifth of customers",
        # segments
        "segments_heading": "Your customers, in groups",
        "segments_intro": (
            "Each customer is placed in a group by how recently and how often they bought, compared with "
            "your other customers. Each group comes with an action and a list you can download."
        ),
        "advice_richest": "The group that brings the most revenue is {segment}: {customers} of the customers and {revenue} of the revenue.",
        "advice_at_risk": (
            "Customers who used to buy often and have not come back for a while ({segments}): {customers}, "
            "with {revenue} of the revenue. Contact them first: their list is below."
        ),
        "figure_segments_title": "Customers and revenue by group",
        "figure_segments_x": "Share of the total (%)",
        "figure_segments_y": "Group",
        "legend_customers": "customers",
        "legend_revenue": "revenue",
        "read_segments": (
            "How to read this: for each group, the blue bar is its share of your customers and the orange "
            "bar its share of your revenue. A long orange bar next to a short blue one is a small group worth a lot."
        ),
        "col_segment": "Group",
        "col_customers": "Customers",
        "col_customer_share": "% of customers",
        "col_revenue": "Revenue",
        "col_revenue_share": "% of revenue",
        "col_recency_mean": "Days since last purchase (average)",
        "col_frequency_mean": "Purchases (average)",
        "col_action": "What to do",
        "col_list": "List",
        "download": "Download ({customers})",
        "downloads_note": (
            "Each list (a CSV file that opens in any spreadsheet) is also saved next to this page: {files}."
        ),
        # revenue
        "revenue_heading": "Revenue over time",
        "figure_revenue_title": "Revenue per {period}",
        "figure_revenue_y": "Revenue ({currency})",
        "figure_revenue_y_plain": "Revenue",
        "read_revenue": (
            "How to read this: each bar is the revenue of one {period}, after refunds. The first and the "
            "last bar may cover only part of a {period}."
        ),
        "period_W": "week",
        "period_M": "month",
        "period_Q": "quarter",
        # With their article, for the sentences that need one (Spanish and Portuguese nouns have a gender).
        "one_period_W": "one week",
        "one_period_M": "one month",
        "one_period_Q": "one quarter",
        "that_period_W": "that week",
        "that_period_M": "that month",
        "that_period_Q": "that quarter",
        # retention
        "retention_heading": "Do customers come back?",
        "figure_retention_title": "Share of new customers who bought again, by {period} of their first purchase",
        "figure_retention_x": "{periods} after the first purchase",
        "figure_retention_y": "First purchase in (number of customers)",
        "periods_W": "Weeks",
        "periods_M": "Months",
        "periods_Q": "Quarters",
        "read_retention": (
            "How to read this: each row is the group of customers whose first purchase fell in that {period}; "
            "each cell is the share of them who bought again so many {periods_lower} later. Column 0, the "
            "{period} of the first purchase, is always 100 % and is shown in grey, outside the colour scale. "
            "Darker cells are higher shares; empty cells have not happened yet."
        ),
        # best customers
        "best_heading": "Your best customers",
        "col_customer": "Customer",
        "col_purchases": "Purchases",
        "col_last_purchase": "Last purchase",
        "col_days_since": "Days since last purchase",
        # limitations
        "limits_heading": "What your data cannot tell",
        "limit_why": (
            "Why customers buy, or stop buying: orders show what people did, not why. A short survey or "
            "a few conversations would tell you."
        ),
        "limit_profit": "Profit: the file holds revenue, not costs, so a big spender is not necessarily a profitable customer.",
        "limit_before": (
            "What happens before a purchase: visits, abandoned carts and failed payments are not in an orders file."
        ),
        "limit_guests": (
            "Guests: {rows} rows ({money}, {share} of your file's total) have no customer, so they are not "
            "in the groups; whoever placed them is invisible here."
        ),
        "limit_shared_orders": (
            "Orders: {count} order numbers belong to more than one customer (like {examples}), so that "
            "column cannot be the order number; each customer's days of purchase were counted as purchases instead."
        ),
        "limit_no_orders": (
            "Orders: the file has no order number, so each customer's days of purchase were counted as "
            "purchases (two orders on the same day count once), and a refund could only be matched to a "
            "sale of the same customer and the same amount."
        ),
        "limit_seasons": (
            "Seasons: the orders cover {days} days, less than a year, so a seasonal peak cannot be told "
            "apart from growth or decline."
        ),
        "limit_short": "Coming back: the orders span less than two weeks, too short to see anyone come back.",
        "limit_ambiguous": (
            "Dates: every date in the file could be read day first or month first (like 01/02). They were "
            "read day first (1 February). If your system writes the month first, see the technical details."
        ),
        "limit_few": (
            "Groups: with only {customers} customers, the groups are fragile: a few customers more or less "
            "move people from one group to another."
        ),
        "limit_unmatched": (
            "Refunds with no sale to match in the file: {rows} ({money}). The sale may be older than the "
            "export; they are left out, so those customers may look slightly more valuable than they are."
        ),
        "limit_money": "Money: in {currency}. The file does not say whether taxes, discounts and shipping are included.",
        "limit_money_unknown": (
            "Money: the file names no currency, and does not say whether taxes, discounts and shipping are included."
        ),
        # glossary
        "glossary_heading": "Words used on this page",
        "glossary": (
            "Recency|Days from a customer's last purchase to the day after the last order in the file. Lower is better.\n"
            "Frequency|How many purchases a customer made (an order, or a day of purchases when the file has no order number).\n"
            "Revenue|What a customer paid in total, after refunds.\n"
            "Group (segment)|Customers with a similar recency and frequency, scored 1 to 5 against your other customers.\n"
            "Coming back (retention)|The share of the customers who started in a period and bought again later."
        ),
        # technical details
        "technical_heading": "Technical details (how the file was read)",
        "technical_source": "File: {source}.",
        "technical_dates": "Dates read as: {formats}.",
        "technical_currency": "Currency: {currency}.",
        "technical_currency_none": "Currency: none found in the column name or the values.",
        "technical_flags": (
            "Run the report again to change a guess: --customer, --date, --amount, --quantity, --price, "
            "--order, --status COLUMN name a column; --date-format %m/%d/%Y reads month-first dates; "
            "--decimal , or --decimal . sets the decimal mark; --lang en|es|pt the language."
        ),
        "col_role": "Used as",
        "col_column": "Column in your file",
        "col_found_by": "How it was found",
        "col_fate": "What happened to the row",
        "role_customer": "customer",
        "role_date": "date",
        "role_amount": "amount",
        "role_quantity": "quantity",
        "role_price": "unit price",
        "role_order": "order number",
        "role_status": "status",
        "found_given": "named by you",
        "found_name": "from its name",
        "found_content": "from its content",
        "found_not found": "not found",
        "found_not needed": "not needed",
        "fate_sale": "sale",
        "fate_refund netted": "partial refund, subtracted from its order",
        "fate_refunded sale": "sale refunded or cancelled in full",
        "fate_refund": "refund of a sale refunded in full",
        "fate_cancelled": "cancelled (says its status)",
        "fate_unmatched refund": "refund with no sale to match",
        "fate_zero amount": "amount of zero",
        "fate_guest": "guest (no customer)",
        "fate_duplicate": "the same row twice",
        "fate_no date or amount": "no date or no amount",
        "footer": (
            "Made with the course kit's report (python -m course_lib report). Groups: recency and "
            "frequency scores 1-5, measured on the day after the last order. Your orders file was read, never changed."
        ),
        # the lists
        "csv_customer": "customer",
        "csv_segment": "group",
        "csv_last_purchase": "last purchase",
        "csv_purchases": "purchases",
        "csv_revenue": "revenue",
        "csv_action": "recommended action",
        # terminal
        "cli_read": "Read {source}.",
        "cli_columns": (
            "Columns used (change any with --customer, --date, --amount, --quantity, --price, --order, --status;"
            " dates with --date-format, the decimal mark with --decimal, the language with --lang):"
        ),
        "cli_dates": "  dates read as {formats}",
        "cli_result": "Found {customers} customers and {purchases} purchases worth {revenue}, {first} to {last}.",
        "cli_reconcile": "Your file's total {total} = revenue analysed {analysed} + left out {left_out}.",
        "cli_wrote": "Wrote {page} and {lists} customer lists next to it.",
    },
    "es": {
        "title": "Tus clientes: informe de {file}",
        "lead": "Pedidos del {first} al {last} ({days} días). Tu archivo solo se leyó; no se modificó.",
        "reconcile_heading": "¿Cuadra con tus cuentas?",
        "reconcile_intro": (
            "Parte del total de tu archivo y sigue cada paso hasta los ingresos analizados en esta página. "
            "Las filas que quedan fuera y los ingresos analizados suman el total de tu archivo."
        ),
        "col_step": "Paso",
        "col_rows": "Filas",
        "col_money": "Importe",
        "step_file_total": "Total de tu archivo (cada importe tal como está, devoluciones incluidas)",
        "step_refunded": "Ventas devueltas o canceladas por completo, con sus devoluciones (fuera)",
        "step_unmatched": "Devoluciones sin una venta que les corresponda en el archivo (fuera)",
        "step_guests": "Pedidos de invitados: sin cliente al que seguir (fuera)",
        "step_no_date_or_amount": "Filas sin fecha o sin importe (fuera; importe: lo que se pudo leer)",
        "step_other": "Otras filas fuera: la misma fila dos veces, importes de cero",
        "step_analysed": "Ingresos analizados en esta página",
        "partial_refunds": "Devoluciones parciales ya descontadas de sus pedidos: {count} ({money}).",
        "reconcile_check": "Comprobación: {analysed} + {left_out} fuera = {total}, el total de tu archivo.",
        "headline_heading": "De un vistazo",
        "card_customers": "clientes que compraron",
        "card_purchases": "compras",
        "card_revenue": "ingresos, descontadas las devoluciones",
        "card_mean_purchase": "compra media",
        "card_repeat": "clientes que volvieron (2 compras o más)",
        "card_top_fifth": "de los ingresos viene de tu mejor quinta parte de clientes",
        "segments_heading": "Tus clientes, por grupos",
        "segments_intro": (
            "Cada cliente entra en un grupo según lo reciente y lo frecuente de sus compras, comparado con tus "
            "demás clientes. Cada grupo trae una acción y una lista que puedes descargar."
        ),
        "advice_richest": "El grupo que más ingresos aporta es {segment}: {customers} de los clientes y {revenue} de los ingresos.",
        "advice_at_risk": (
            "Clientes que antes compraban a menudo y llevan un tiempo sin volver ({segments}): {customers}, "
            "con el {revenue} de los ingresos. Contáctalos primero: su lista está más abajo."
        ),
        "figure_segments_title": "Clientes e ingresos por grupo",
        "figure_segments_x": "Parte del total (%)",
        "figure_segments_y": "Grupo",
        "legend_customers": "clientes",
        "legend_revenue": "ingresos",
        "read_segments": (
            "Cómo leerlo: en cada grupo, la barra azul es su parte de tus clientes y la naranja su parte de "
            "tus ingresos. Una barra naranja larga junto a una azul corta es un grupo pequeño que vale mucho."
        ),
        "col_segment": "Grupo",
        "col_customers": "Clientes",
        "col_customer_share": "% de clientes",
        "col_revenue": "Ingresos",
        "col_revenue_share": "% de ingresos",
        "col_recency_mean": "Días desde la última compra (media)",
        "col_frequency_mean": "Compras (media)",
        "col_action": "Qué hacer",
        "col_list": "Lista",
        "download": "Descargar ({customers})",
        "downloads_note": (
            "Cada lista (un archivo CSV que se abre en cualquier hoja de cálculo) también se guardó junto a "
            "esta página: {files}."
        ),
        "revenue_heading": "Ingresos en el tiempo",
        "figure_revenue_title": "Ingresos por {period}",
        "figure_revenue_y": "Ingresos ({currency})",
        "figure_revenue_y_plain": "Ingresos",
        "read_revenue": (
            "Cómo leerlo: cada barra son los ingresos de {one_period}, descontadas las devoluciones. La "
            "primera y la última barra pueden cubrir solo parte del periodo."
        ),
        "period_W": "semana",
        "period_M": "mes",
        "period_Q": "trimestre",
        "one_period_W": "una semana",
        "one_period_M": "un mes",
        "one_period_Q": "un trimestre",
        "that_period_W": "esa semana",
        "that_period_M": "ese mes",
        "that_period_Q": "ese trimestre",
        "retention_heading": "¿Vuelven tus clientes?",
        "figure_retention_title": "Clientes nuevos que volvieron a comprar, por {period} de su primera compra",
        "figure_retention_x": "{periods} después de la primera compra",
        "figure_retention_y": "Primera compra en (número de clientes)",
        "periods_W": "Semanas",
        "periods_M": "Meses",
        "periods_Q": "Trimestres",
        "read_retention": (
            "Cómo leerlo: cada fila es el grupo de clientes cuya primera compra cayó en {that_period}; cada "
            "celda, la parte de ellos que volvió a comprar tantos {periods_lower} después. La columna 0, el "
            "periodo de la primera compra, siempre es 100 % y va en gris, fuera de la escala de colores. Las "
            "celdas más oscuras son partes mayores; las vacías aún no han ocurrido."
        ),
        "best_heading": "Tus mejores clientes",
        "col_customer": "Cliente",
        "col_purchases": "Compras",
        "col_last_purchase": "Última compra",
        "col_days_since": "Días desde la última compra",
        "limits_heading": "Lo que tus datos no pueden decir",
        "limit_why": (
            "Por qué compran tus clientes, o por qué dejan de hacerlo: los pedidos muestran lo que hicieron, "
            "no el porqué. Una encuesta corta o unas cuantas conversaciones te lo dirían."
        ),
        "limit_profit": (
            "El beneficio: el archivo tiene ingresos, no costes, así que quien más gasta no es "
            "necesariamente el cliente más rentable."
        ),
        "limit_before": (
            "Lo que pasa antes de comprar: las visitas, los carritos abandonados y los pagos fallidos no "
            "están en un archivo de pedidos."
        ),
        "limit_guests": (
            "Invitados: {rows} filas ({money}, el {share} del total de tu archivo) no tienen cliente, así que "
            "no están en los grupos; quien las hizo no se ve aquí."
        ),
        "limit_shared_orders": (
            "Pedidos: {count} números de pedido pertenecen a más de un cliente (por ejemplo {examples}), así "
            "que esa columna no puede ser el número de pedido; se contaron como compras los días en que "
            "compró cada cliente."
        ),
        "limit_no_orders": (
            "Pedidos: el archivo no tiene número de pedido, así que se contaron como compras los días en que "
            "compró cada cliente (dos pedidos el mismo día cuentan como uno), y una devolución solo pudo "
            "emparejarse con una venta del mismo cliente y el mismo importe."
        ),
        "limit_seasons": (
            "Temporadas: los pedidos cubren {days} días, menos de un año, así que un pico de temporada no se "
            "distingue de un crecimiento o una caída."
        ),
        "limit_short": "Volver a comprar: los pedidos abarcan menos de dos semanas, muy poco para ver si alguien vuelve.",
        "limit_ambiguous": (
            "Fechas: todas las fechas del archivo se pueden leer con el día primero o con el mes primero (como "
            "01/02). Se leyeron con el día primero (1 de febrero). Si tu sistema escribe el mes primero, mira "
            "los detalles técnicos."
        ),
        "limit_few": (
            "Grupos: con solo {customers} clientes, los grupos son frágiles: unos pocos clientes de más o de "
            "menos mueven a otros de un grupo a otro."
        ),
        "limit_unmatched": (
            "Devoluciones sin una venta que les corresponda en el archivo: {rows} ({money}). La venta puede ser "
            "anterior a la exportación; quedan fuera, así que esos clientes pueden parecer algo más valiosos de "
            "lo que son."
        ),
        "limit_money": "Dinero: en {currency}. El archivo no dice si incluye impuestos, descuentos y envío.",
        "limit_money_unknown": ("Dinero: el archivo no indica la moneda, ni si incluye impuestos, descuentos y envío."),
        "glossary_heading": "Palabras usadas en esta página",
        "glossary": (
            "Recencia|Días desde la última compra de un cliente hasta el día siguiente al último pedido del archivo. Cuanto menos, mejor.\n"
            "Frecuencia|Cuántas compras hizo un cliente (un pedido, o un día de compras si el archivo no tiene número de pedido).\n"
            "Ingresos|Lo que pagó un cliente en total, descontadas las devoluciones.\n"
            "Grupo (segmento)|Clientes con una recencia y una frecuencia parecidas, puntuadas del 1 al 5 frente a tus demás clientes.\n"
            "Volver a comprar (retención)|La parte de los clientes que empezaron en un periodo y volvieron a comprar después."
        ),
        "technical_heading": "Detalles técnicos (cómo se leyó el archivo)",
        "technical_source": "Archivo: {source}.",
        "technical_dates": "Fechas leídas como: {formats}.",
        "technical_currency": "Moneda: {currency}.",
        "technical_currency_none": "Moneda: no se encontró ninguna en el nombre de la columna ni en los valores.",
        "technical_flags": (
            "Vuelve a generar el informe para corregir una suposición: --customer, --date, --amount, --quantity, "
            "--price, --order, --status COLUMNA indican una columna; --date-format %m/%d/%Y lee fechas con el mes "
            "primero; --decimal , o --decimal . fija el separador decimal; --lang en|es|pt el idioma."
        ),
        "col_role": "Usada como",
        "col_column": "Columna de tu archivo",
        "col_found_by": "Cómo se encontró",
        "col_fate": "Qué pasó con la fila",
        "role_customer": "cliente",
        "role_date": "fecha",
        "role_amount": "importe",
        "role_quantity": "cantidad",
        "role_price": "precio unitario",
        "role_order": "número de pedido",
        "role_status": "estado",
        "found_given": "indicada por ti",
        "found_name": "por su nombre",
        "found_content": "por su contenido",
        "found_not found": "no encontrada",
        "found_not needed": "no hace falta",
        "fate_sale": "venta",
        "fate_refund netted": "devolución parcial, descontada de su pedido",
        "fate_refunded sale": "venta devuelta o cancelada por completo",
        "fate_refund": "devolución de una venta devuelta por completo",
        "fate_cancelled": "cancelada (según su estado)",
        "fate_unmatched refund": "devolución sin venta que le corresponda",
        "fate_zero amount": "importe de cero",
        "fate_guest": "invitado (sin cliente)",
        "fate_duplicate": "la misma fila dos veces",
        "fate_no date or amount": "sin fecha o sin importe",
        "footer": (
            "Hecho con el informe del kit del curso (python -m course_lib report). Grupos: puntuaciones de "
            "recencia y frecuencia del 1 al 5, medidas el día siguiente al último pedido. Tu archivo de pedidos "
            "se leyó; no se modificó."
        ),
        "csv_customer": "cliente",
        "csv_segment": "grupo",
        "csv_last_purchase": "última compra",
        "csv_purchases": "compras",
        "csv_revenue": "ingresos",
        "csv_action": "acción recomendada",
        "cli_read": "Leído {source}.",
        "cli_columns": (
            "Columnas usadas (cambia cualquiera con --customer, --date, --amount, --quantity, --price, --order,"
            " --status; las fechas con --date-format, el separador decimal con --decimal, el idioma con --lang):"
        ),
        "cli_dates": "  fechas leídas como {formats}",
        "cli_result": "{customers} clientes y {purchases} compras por {revenue}, del {first} al {last}.",
        "cli_reconcile": "Total de tu archivo {total} = ingresos analizados {analysed} + fuera {left_out}.",
        "cli_wrote": "Escrito {page} y {lists} listas de clientes a su lado.",
    },
    "pt": {
        "title": "Seus clientes: relatório de {file}",
        "lead": "Pedidos de {first} a {last} ({days} dias). Seu arquivo foi apenas lido, nunca alterado.",
        "reconcile_heading": "Bate com as suas contas?",
        "reconcile_intro": (
            "Parta do total do seu arquivo e siga cada passo até a receita analisada nesta página. As linhas "
            "deixadas de fora e a receita analisada somam o total do seu arquivo."
        ),
        "col_step": "Passo",
        "col_rows": "Linhas",
        "col_money": "Valor",
        "step_file_total": "Total do seu arquivo (cada valor como está, devoluções incluídas)",
        "step_refunded": "Vendas devolvidas ou canceladas por inteiro, com as suas devoluções (de fora)",
        "step_unmatched": "Devoluções sem uma venda correspondente no arquivo (de fora)",
        "step_guests": "Pedidos de visitantes: sem cliente para acompanhar (de fora)",
        "step_no_date_or_amount": "Linhas sem data ou sem valor (de fora; valor: o que pôde ser lido)",
        "step_other": "Outras linhas de fora: a mesma linha duas vezes, valores zero",
        "step_analysed": "Receita analisada nesta página",
        "partial_refunds": "Devoluções parciais já descontadas dos seus pedidos: {count} ({money}).",
        "reconcile_check": "Conferência: {analysed} + {left_out} de fora = {total}, o total do seu arquivo.",
        "headline_heading": "Visão geral",
        "card_customers": "clientes que compraram",
        "card_purchases": "compras",
        "card_revenue": "receita, descontadas as devoluções",
        "card_mean_purchase": "compra média",
        "card_repeat": "clientes que voltaram (2 compras ou mais)",
        "card_top_fifth": "da receita vem do seu melhor quinto de clientes",
        "segments_heading": "Seus clientes, em grupos",
        "segments_intro": (
            "Cada cliente entra em um grupo conforme quão recente e quão frequente foram as suas compras, em "
            "comparação com os seus outros clientes. Cada grupo traz uma ação e uma lista para baixar."
        ),
        "advice_richest": "O grupo que mais traz receita é {segment}: {customers} dos clientes e {revenue} da receita.",
        "advice_at_risk": (
            "Clientes que compravam com frequência e não voltam há algum tempo ({segments}): {customers}, "
            "com {revenue} da receita. Fale com eles primeiro: a lista deles está abaixo."
        ),
        "figure_segments_title": "Clientes e receita por grupo",
        "figure_segments_x": "Parte do total (%)",
        "figure_segments_y": "Grupo",
        "legend_customers": "clientes",
        "legend_revenue": "receita",
        "read_segments": (
            "Como ler: em cada grupo, a barra azul é a sua parte dos clientes e a laranja a sua parte da "
            "receita. Uma barra laranja longa ao lado de uma azul curta é um grupo pequeno que vale muito."
        ),
        "col_segment": "Grupo",
        "col_customers": "Clientes",
        "col_customer_share": "% dos clientes",
        "col_revenue": "Receita",
        "col_revenue_share": "% da receita",
        "col_recency_mean": "Dias desde a última compra (média)",
        "col_frequency_mean": "Compras (média)",
        "col_action": "O que fazer",
        "col_list": "Lista",
        "download": "Baixar ({customers})",
        "downloads_note": (
            "Cada lista (um arquivo CSV que abre em qualquer planilha) também foi salva ao lado desta página: {files}."
        ),
        "revenue_heading": "Receita ao longo do tempo",
        "figure_revenue_title": "Receita por {period}",
        "figure_revenue_y": "Receita ({currency})",
        "figure_revenue_y_plain": "Receita",
        "read_revenue": (
            "Como ler: cada barra é a receita de {one_period}, descontadas as devoluções. A primeira e a "
            "última barra podem cobrir só parte do período."
        ),
        "period_W": "semana",
        "period_M": "mês",
        "period_Q": "trimestre",
        "one_period_W": "uma semana",
        "one_period_M": "um mês",
        "one_period_Q": "um trimestre",
        "that_period_W": "naquela semana",
        "that_period_M": "naquele mês",
        "that_period_Q": "naquele trimestre",
        "retention_heading": "Os clientes voltam?",
        "figure_retention_title": "Clientes novos que voltaram a comprar, por {period} da primeira compra",
        "figure_retention_x": "{periods} depois da primeira compra",
        "figure_retention_y": "Primeira compra em (número de clientes)",
        "periods_W": "Semanas",
        "periods_M": "Meses",
        "periods_Q": "Trimestres",
        "read_retention": (
            "Como ler: cada linha é o grupo de clientes cuja primeira compra caiu {that_period}; cada "
            "célula, a parte deles que voltou a comprar tantos {periods_lower} depois. A coluna 0, o período "
            "da primeira compra, é sempre 100 % e fica em cinza, fora da escala de cores. Células mais escuras "
            "são partes maiores; as vazias ainda não aconteceram."
        ),
        "best_heading": "Seus melhores clientes",
        "col_customer": "Cliente",
        "col_purchases": "Compras",
        "col_last_purchase": "Última compra",
        "col_days_since": "Dias desde a última compra",
        "limits_heading": "O que os seus dados não conseguem dizer",
        "limit_why": (
            "Por que os clientes compram, ou deixam de comprar: os pedidos mostram o que as pessoas fizeram, "
            "não o porquê. Uma pesquisa curta ou algumas conversas diriam."
        ),
        "limit_profit": (
            "O lucro: o arquivo tem receita, não custos, então quem mais gasta não é necessariamente o "
            "cliente mais lucrativo."
        ),
        "limit_before": (
            "O que acontece antes da compra: visitas, carrinhos abandonados e pagamentos recusados não estão "
            "em um arquivo de pedidos."
        ),
        "limit_guests": (
            "Visitantes: {rows} linhas ({money}, {share} do total do seu arquivo) não têm cliente, então não "
            "estão nos grupos; quem as fez não aparece aqui."
        ),
        "limit_shared_orders": (
            "Pedidos: {count} números de pedido pertencem a mais de um cliente (por exemplo {examples}), então "
            "essa coluna não pode ser o número do pedido; foram contados como compras os dias em que cada "
            "cliente comprou."
        ),
        "limit_no_orders": (
            "Pedidos: o arquivo não tem número de pedido, então foram contados como compras os dias em que "
            "cada cliente comprou (dois pedidos no mesmo dia contam como um), e uma devolução só pôde ser "
            "associada a uma venda do mesmo cliente e do mesmo valor."
        ),
        "limit_seasons": (
            "Sazonalidade: os pedidos cobrem {days} dias, menos de um ano, então um pico sazonal não se "
            "distingue de crescimento ou queda."
        ),
        "limit_short": "Voltar a comprar: os pedidos cobrem menos de duas semanas, pouco para ver alguém voltar.",
        "limit_ambiguous": (
            "Datas: todas as datas do arquivo podem ser lidas com o dia primeiro ou com o mês primeiro (como "
            "01/02). Foram lidas com o dia primeiro (1º de fevereiro). Se o seu sistema escreve o mês "
            "primeiro, veja os detalhes técnicos."
        ),
        "limit_few": (
            "Grupos: com apenas {customers} clientes, os grupos são frágeis: alguns clientes a mais ou a menos "
            "mudam outros de grupo."
        ),
        "limit_unmatched": (
            "Devoluções sem uma venda correspondente no arquivo: {rows} ({money}). A venda pode ser anterior à "
            "exportação; ficam de fora, então esses clientes podem parecer um pouco mais valiosos do que são."
        ),
        "limit_money": "Dinheiro: em {currency}. O arquivo não diz se inclui impostos, descontos e frete.",
        "limit_money_unknown": "Dinheiro: o arquivo não indica a moeda, nem se inclui impostos, descontos e frete.",
        "glossary_heading": "Palavras usadas nesta página",
        "glossary": (
            "Recência|Dias desde a última compra de um cliente até o dia seguinte ao último pedido do arquivo. Quanto menos, melhor.\n"
            "Frequência|Quantas compras um cliente fez (um pedido, ou um dia de compras quando o arquivo não tem número de pedido).\n"
            "Receita|O que um cliente pagou no total, descontadas as devoluções.\n"
            "Grupo (segmento)|Clientes com recência e frequência parecidas, pontuadas de 1 a 5 em relação aos seus outros clientes.\n"
            "Voltar a comprar (retenção)|A parte dos clientes que começaram em um período e compraram de novo depois."
        ),
        "technical_heading": "Detalhes técnicos (como o arquivo foi lido)",
        "technical_source": "Arquivo: {source}.",
        "technical_dates": "Datas lidas como: {formats}.",
        "technical_currency": "Moeda: {currency}.",
        "technical_currency_none": "Moeda: nenhuma encontrada no nome da coluna nem nos valores.",
        "technical_flags": (
            "Gere o relatório de novo para corrigir um palpite: --customer, --date, --amount, --quantity, "
            "--price, --order, --status COLUNA indicam uma coluna; --date-format %m/%d/%Y lê datas com o mês "
            "primeiro; --decimal , ou --decimal . define o separador decimal; --lang en|es|pt o idioma."
        ),
        "col_role": "Usada como",
        "col_column": "Coluna do seu arquivo",
        "col_found_by": "Como foi encontrada",
        "col_fate": "O que aconteceu com a linha",
        "role_customer": "cliente",
        "role_date": "data",
        "role_amount": "valor",
        "role_quantity": "quantidade",
        "role_price": "preço unitário",
        "role_order": "número do pedido",
        "role_status": "situação",
        "found_given": "indicada por você",
        "found_name": "pelo nome",
        "found_content": "pelo conteúdo",
        "found_not found": "não encontrada",
        "found_not needed": "não é necessária",
        "fate_sale": "venda",
        "fate_refund netted": "devolução parcial, descontada do seu pedido",
        "fate_refunded sale": "venda devolvida ou cancelada por inteiro",
        "fate_refund": "devolução de uma venda devolvida por inteiro",
        "fate_cancelled": "cancelada (segundo a situação)",
        "fate_unmatched refund": "devolução sem venda correspondente",
        "fate_zero amount": "valor zero",
        "fate_guest": "visitante (sem cliente)",
        "fate_duplicate": "a mesma linha duas vezes",
        "fate_no date or amount": "sem data ou sem valor",
        "footer": (
            "Feito com o relatório do kit do curso (python -m course_lib report). Grupos: notas de recência e "
            "frequência de 1 a 5, medidas no dia seguinte ao último pedido. Seu arquivo de pedidos foi lido, "
            "nunca alterado."
        ),
        "csv_customer": "cliente",
        "csv_segment": "grupo",
        "csv_last_purchase": "última compra",
        "csv_purchases": "compras",
        "csv_revenue": "receita",
        "csv_action": "ação recomendada",
        "cli_read": "Lido {source}.",
        "cli_columns": (
            "Colunas usadas (mude qualquer uma com --customer, --date, --amount, --quantity, --price, --order,"
            " --status; as datas com --date-format, o separador decimal com --decimal, o idioma com --lang):"
        ),
        "cli_dates": "  datas lidas como {formats}",
        "cli_result": "{customers} clientes e {purchases} compras somando {revenue}, de {first} a {last}.",
        "cli_reconcile": "Total do seu arquivo {total} = receita analisada {analysed} + de fora {left_out}.",
        "cli_wrote": "Gravado {page} e {lists} listas de clientes ao lado.",
    },
}

#: The course's segment names, and an action for each that fits any business.
SEGMENTS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "en": {
        "Champions": ("Champions", "Reward them: early access to new products, ask for reviews and referrals."),
        "Loyal": ("Loyal", "Offer a loyalty tier or a subscription; suggest your premium range."),
        "Potential loyalist": (
            "Potential loyalists",
            "Invite them to the loyalty programme; recommend products like the ones they bought.",
        ),
        "New customers": (
            "New customers",
            "Welcome them: a short series of messages and a thank-you on the second purchase.",
        ),
        "Promising": ("Promising", "Build the habit: a time-limited offer on the category they tried."),
        "Need attention": ("Need attention", "Send personalised recommendations and a reason to buy this month."),
        "About to sleep": ("About to sleep", "Reactivate with a popular new product or a small time-limited discount."),
        "At risk": ("At risk", "Win them back: a personal message, a meaningful offer, ask what changed."),
        "Can't lose them": (
            "Can't lose them",
            "Get in touch personally with a strong win-back offer; learn why they left.",
        ),
        "Lost": ("Lost", "One low-cost reactivation campaign, then stop spending on them."),
        "Other": ("Other", "No rule of the groups matches these customers: look at them one by one."),
    },
    "es": {
        "Champions": (
            "Campeones",
            "Prémialos: acceso anticipado a productos nuevos; pídeles reseñas y recomendaciones.",
        ),
        "Loyal": ("Fieles", "Ofréceles un nivel de fidelidad o una suscripción; sugiéreles tu gama alta."),
        "Potential loyalist": (
            "Futuros fieles",
            "Invítalos al programa de fidelidad; recomiéndales productos como los que compraron.",
        ),
        "New customers": (
            "Clientes nuevos",
            "Dales la bienvenida: una serie corta de mensajes y un agradecimiento en la segunda compra.",
        ),
        "Promising": ("Prometedores", "Crea el hábito: una oferta por tiempo limitado en la categoría que probaron."),
        "Need attention": (
            "Necesitan atención",
            "Envíales recomendaciones personalizadas y un motivo para comprar este mes.",
        ),
        "About to sleep": (
            "A punto de dormirse",
            "Reactívalos con un producto nuevo muy pedido o un pequeño descuento por tiempo limitado.",
        ),
        "At risk": (
            "En riesgo",
            "Recupéralos: un mensaje personal, una oferta que valga la pena; pregúntales qué cambió.",
        ),
        "Can't lose them": (
            "No puedes perderlos",
            "Contáctalos en persona con una oferta fuerte para que vuelvan; averigua por qué se fueron.",
        ),
        "Lost": ("Perdidos", "Una campaña de reactivación de bajo coste y, después, no inviertas más en ellos."),
        "Other": ("Otros", "Ninguna regla de los grupos encaja con estos clientes: míralos uno por uno."),
    },
    "pt": {
        "Champions": ("Campeões", "Recompense-os: acesso antecipado a produtos novos; peça avaliações e indicações."),
        "Loyal": ("Fiéis", "Ofereça um nível de fidelidade ou uma assinatura; sugira a sua linha premium."),
        "Potential loyalist": (
            "Futuros fiéis",
            "Convide-os para o programa de fidelidade; recomende produtos parecidos com os que compraram.",
        ),
        "New customers": (
            "Clientes novos",
            "Dê as boas-vindas: uma série curta de mensagens e um agradecimento na segunda compra.",
        ),
        "Promising": ("Promissores", "Crie o hábito: uma oferta por tempo limitado na categoria que experimentaram."),
        "Need attention": (
            "Precisam de atenção",
            "Envie recomendações personalizadas e um motivo para comprar este mês.",
        ),
        "About to sleep": (
            "Quase dormindo",
            "Reative-os com um produto novo muito procurado ou um pequeno desconto por tempo limitado.",
        ),
        "At risk": (
            "Em risco",
            "Reconquiste-os: uma mensagem pessoal, uma oferta que valha a pena; pergunte o que mudou.",
        ),
        "Can't lose them": (
            "Não pode perdê-los",
            "Entre em contato pessoalmente com uma oferta forte para que voltem; descubra por que saíram.",
        ),
        "Lost": ("Perdidos", "Uma campanha de reativação de baixo custo e, depois, pare de investir neles."),
        "Other": ("Outros", "Nenhuma regra dos grupos se aplica a esses clientes: veja-os um a um."),
    },
}

_MONTHS = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    "es": "ene feb mar abr may jun jul ago sep oct nov dic".split(),
    "pt": "jan fev mar abr mai jun jul ago set out nov dez".split(),
}
_QUARTER = {"en": "Q", "es": "T", "pt": "T"}


def segment_name(segment: str, language: str) -> str:
    """The segment's name in `language` (the course's English name when it has none)."""
    return SEGMENTS[language].get(segment, (segment, ""))[0]


def segment_action(segment: str, language: str) -> str:
    """The recommended action for the segment, in `language`."""
    return SEGMENTS[language].get(segment, SEGMENTS[language]["Other"])[1]


def number(value: float, language: str, *, decimals: int = 0) -> str:
    """A number with the language's thousands and decimal marks: 1,234.5 (en), 1.234,5 (es, pt)."""
    text = f"{value:,.{decimals}f}"
    if language in ("es", "pt"):
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def money(value: float, language: str, currency: str | None) -> str:
    """An amount with two decimals and its currency where the language puts it: €12.50, 12,50 €, R$ 12,50."""
    digits = number(abs(value), language, decimals=2)
    sign = "-" if round(value, 2) < 0 else ""
    if currency is None:
        return sign + digits
    if currency in _CURRENCY_AFTER and language in ("es", "pt"):
        return f"{sign}{digits} {currency}"
    separator = "" if currency in ("€", "£", "$") and language == "en" else " "
    return f"{sign}{currency}{separator}{digits}"


def percent(share: float, language: str) -> str:
    """A share (0-1) as a whole percentage: 12% (a dash when undefined)."""
    if pd.isna(share):
        return "–"
    return f"{number(100 * share, language)}%"


def day(timestamp: pd.Timestamp, language: str) -> str:
    """A date: 15 Mar 2024 (en), 15/03/2024 (es, pt)."""
    if language == "en":
        return f"{timestamp.day} {_MONTHS['en'][timestamp.month - 1]} {timestamp.year}"
    return timestamp.strftime("%d/%m/%Y")


def period_label(period: pd.Period, language: str) -> str:
    """A calendar period for a figure: Mar 2024, T1 2024, or the week's first day."""
    code = period.freqstr[0]
    if code == "M":
        return f"{_MONTHS[language][period.month - 1]} {period.year}"
    if code == "Q":
        return f"{_QUARTER[language]}{period.quarter} {period.year}"
    return day(period.start_time, language)


def guess_language(columns: Iterable[object]) -> str:
    """``"es"`` or ``"pt"`` when the column names are clearly Spanish or Portuguese, else ``"en"``.

    Clearly: at least two names contain a word of that language only, and no
    name a word of the other one.
    """
    hits = {language: 0 for language in _LANGUAGE_WORDS}
    for column in columns:
        plain = unicodedata.normalize("NFKD", str(column)).encode("ascii", "ignore").decode("ascii").lower()
        words = set(re.findall(r"[a-z]+", plain))
        for language, vocabulary in _LANGUAGE_WORDS.items():
            hits[language] += bool(words & (vocabulary - _LANGUAGE_WORDS[_other(language)]))
    for language in ("es", "pt"):
        if hits[language] >= 2 and hits[_other(language)] == 0:
            return language
    return "en"


def _other(language: str) -> str:
    return "pt" if language == "es" else "es"
