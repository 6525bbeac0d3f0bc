from rest_framework import serializers

from ..choices import TodoKind


class TodoItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=TodoKind.choices,
        read_only=True,
        label="类别",
        help_text="、".join(f"{value}（{label}）" for value, label in TodoKind.choices),
    )
    kind_label = serializers.CharField(read_only=True, label="类别名称")
    title = serializers.CharField(read_only=True, label="事项")
    detail = serializers.CharField(read_only=True, label="说明")
    link = serializers.CharField(read_only=True, label="办理页面（站内路径）")
    due = serializers.DateField(read_only=True, allow_null=True, label="期限")
    overdue = serializers.BooleanField(read_only=True, label="已逾期")
    mark = serializers.CharField(read_only=True, label="标记（已退回、已逾期）")
    ref = serializers.CharField(
        read_only=True,
        label="所指对象",
        help_text="如 submission:12、project:3、talk:5、town:220112100、round:2024",
    )


class TodoListSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True, label="事项数")
    results = TodoItemSerializer(many=True, read_only=True)
