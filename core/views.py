def page_not_found(request, exception=None):
    pass


def permission_denied(request, exception=None):
    pass


def server_error(request):
    pass
