from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("districts", views.DistrictViewSet)
router.register("communes", views.CommuneViewSet)
router.register("villages", views.VillageViewSet)
router.register("periods", views.PeriodViewSet)
router.register("model-areas", views.ModelAreaViewSet)
router.register("model-gardens", views.ModelGardenViewSet)

urlpatterns = router.urls
