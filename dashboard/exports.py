"""The to-do list's export (待办事项, /towns/inbox/): the same items as the page, in the same order (registered
with core.exports as every list's export is)."""

from django.utils import timezone

from core.exports import Column, ExportSpec, filter_note, register_export

from . import todo

TODO_COLUMNS = (
    Column("类别", 20),
    Column("事项", 40),
    Column("说明", 48),
    Column("截止日期", 12),
    Column("是否逾期", 8),
    Column("标记", 8),
    Column("办理页面", 40),
)


def todo_rows(items):
    for item in items:
        yield (
            item.kind_label,
            item.title,
            item.detail,
            item.due.strftime("%Y-%m-%d") if item.due else "",
            "是" if item.overdue else "否",
            item.mark,
            item.link,
        )


@register_export("dashboard.todo", page="inbox")
def todo_export(user, query):
    items = todo.todo_items(user)
    overdue = sum(1 for item in items if item.overdue)
    title = todo.todo_title(user)
    return ExportSpec(
        title="待办事项",
        filename=f"待办事项-{timezone.localdate():%Y%m%d}.xlsx",
        columns=TODO_COLUMNS,
        rows=todo_rows(items),
        count=len(items),
        unit_note=f"共 {len(items)} 项，已逾期 {overdue} 项" + (f"（{title}）" if title else ""),
        filters=filter_note(order="逾期的在前，再按截止日期"),
        sheet_title="待办事项",
    )
