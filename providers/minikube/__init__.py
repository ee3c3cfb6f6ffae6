"""minikube provider room (see README.md)."""
