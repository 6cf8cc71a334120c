from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("ocop/product-groups", views.ProductGroupViewSet)
router.register("ocop/producers", views.ProducerViewSet)
router.register("ocop/products", views.ProductViewSet)
router.register("ocop/ratings", views.RatingViewSet)

urlpatterns = router.urls
