"""What-if (模拟推演, issue 8 point 8): computed and shown, nothing saved."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.errors import DomainError

from .. import selectors, services
from ..forms import (
    SettingsForm,
    SimulationForm,
)
from ._common import _require_admin, _round

# --- what-if (模拟推演) ------------------------------------------------------------------------------------


@login_required
def simulate(request, year):
    """Simulate the year with changed settings, vetoes or points beside the draft (issue 8, point 8).
    A POST here computes and shows; it saves nothing."""
    _require_admin(request, "模拟推演")
    assessment_round = _round(year)
    result = None
    if request.method == "POST":
        form = SimulationForm(request.POST)
        if form.is_valid():
            try:
                simulation = selectors.simulate(
                    assessment_round,
                    settings=services.parse_settings(form.settings()),
                    vetoes=form.cleaned_data["vetoes"],
                    scores=form.cleaned_data["scores"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                result = selectors.simulation_payload(simulation, request.user)
    else:
        form = SimulationForm(initial=SettingsForm.initial_for(assessment_round))
    context = {"assessment_round": assessment_round, "form": form, "result": result}
    return render(request, "assessment/simulate.html", context)
