from django.urls import re_path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("criteria-sets", views.CriteriaSetViewSet)
router.register("criteria", views.CriterionViewSet)
router.register("criterion-indicators", views.CriterionIndicatorViewSet)
router.register("indicators", views.IndicatorViewSet)
router.register("targets", views.TargetViewSet)
router.register("values", views.IndicatorValueViewSet)
router.register("assessments", views.AssessmentViewSet)
router.register("submissions", views.SubmissionViewSet)
router.register("tasks", views.TaskViewSet)

urlpatterns = [
    re_path(r"^periods/(?P<pk>[0-9]{1,18})/figures/$", views.PeriodFiguresView.as_view(),
            name="period-figures"),
    re_path(r"^districts/(?P<district>[-a-z0-9]{1,100})/(?P<year>[0-9]{4})/q(?P<quarter>[1-4])/"
            r"figures/$", views.DistrictFiguresView.as_view(), name="district-figures"),
    *router.urls,
]
