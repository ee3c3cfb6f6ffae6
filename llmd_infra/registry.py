"""The provider registry: the one place the core learns which provider rooms exist.

(Stand-in on the ``schema`` branch for the registry of the provider-rooms change; on merge, the
registry of ``main`` replaces this file. Only :data:`PROVIDERS` is read here.)
"""

PROVIDERS: tuple[str, ...] = ("gke", "doks", "openshift", "minikube")
"""Every well-lit provider, in the order reports and the policy pack list them."""
