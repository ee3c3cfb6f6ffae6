"""The profile's own kubeconfig: written to ``$HOME/.llmd-infra/minikube/<profile>.kubeconfig``, never to
``~/.kube/config``, flattened (certificates embedded) and returned as a secret Output."""

from __future__ import annotations

import pulumi
import pulumi_command as command

from llmd_infra.providers.minikube.commands import kubeconfig_command


def profile_kubeconfig(
    name: str, profile: str, started: command.local.Command, start: str, parent: pulumi.Resource
) -> tuple[command.local.Command, pulumi.Output[str]]:
    """The ``<name>-kubeconfig`` command and the kubeconfig it prints, as a secret.

    It re-runs (is replaced) when the profile is re-created (a new id) or ``minikube start`` runs again
    with another command (an upgrade rewrites the file with certificate paths), and only then. Its
    stdout carries a client key, so it is a secret output, is never logged, and is not handed to the
    next run's environment.
    """
    cmd = command.local.Command(
        f"{name}-kubeconfig",
        command.local.CommandArgs(
            create=kubeconfig_command(profile),
            triggers=[started.id, start],
            logging=command.local.Logging.STDERR,
            add_previous_output_in_env=False,
        ),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[started], additional_secret_outputs=["stdout"]),
    )
    return cmd, pulumi.Output.secret(cmd.stdout)


__all__ = ["profile_kubeconfig"]
