"""The kubeconfig of an existing OpenShift cluster: a secret config value, or what ``kubectl`` uses.

Nothing here creates the cluster, so nothing can render its kubeconfig; it comes from outside, in
one of two ways (``llmd-infra:cluster.kubeconfig.source``):

* ``config`` (default; for CI): the secret config value ``kubernetes:kubeconfig`` — the key the
  Kubernetes provider documents for its own default provider
  (https://www.pulumi.com/registry/packages/kubernetes/installation-configuration/), set with
  ``pulumi config set --secret kubernetes:kubeconfig "$(oc config view --raw --minify --flatten)"``.
  Without it, the program stops with a configuration error before registering anything.
* ``ambient`` (a person after ``oc login``): the kubeconfig ``kubectl`` resolves on the machine running
  Pulumi (``KUBECONFIG``, else ``~/.kube/config``; its current context, or ``context``), read through
  the ``command:local:run`` invoke of ``kubectl config view --raw --minify --flatten``. It is read in
  preview as well, so a preview compares against the live cluster.

Either way the value is a secret Output from the start: the Kubernetes provider gets it and the
stack exports it as ``kubeconfig``, never in plain text. The offline plan engine has no cluster and
no ``kubectl``: it answers the ``command:local:run`` invoke with a placeholder kubeconfig (the room's
fakes), and a ``secure:`` config value becomes its secret placeholder, so both sources preview
offline without a credential.
"""

from __future__ import annotations

import shlex
from typing import Any

import pulumi
import yaml

from llmd_infra.errors import ConfigError, Problem
from llmd_infra.providers.openshift.config import KubeconfigConfig

CONFIG_NAMESPACE = "kubernetes"
CONFIG_KEY = "kubeconfig"
AMBIENT_COMMAND = "kubectl config view --raw --minify --flatten"
"""``--minify`` keeps only the current (or ``--context``) context, ``--flatten`` inlines certificate
files, ``--raw`` keeps the credentials the provider needs."""
RUN_INVOKE = "command:local:run"

MISSING_CONFIG = (
    "not set: run `pulumi config set --secret kubernetes:kubeconfig \"$(oc config view --raw --minify "
    "--flatten)\"`, or use the kubeconfig kubectl uses here with llmd-infra:cluster.kubeconfig.source: ambient"
)


def ambient_command(context: str | None) -> str:
    """The command that prints the ambient kubeconfig, minified to one context."""
    return AMBIENT_COMMAND + (f" --context {shlex.quote(context)}" if context else "")


def check_kubeconfig(text: str, where: str, context: str | None) -> None:
    """A kubeconfig document with a current context (``kubectl config view`` prints an empty one when
    there is none); raises :class:`ConfigError` naming ``where``."""
    try:
        doc: Any = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError:
        doc = None
    if not isinstance(doc, dict) or not doc.get("clusters") or not doc.get("current-context"):
        wanted = f"context '{context}'" if context else "a current context"
        raise ConfigError(
            [
                Problem(
                    where,
                    f"`{ambient_command(context)}` printed no kubeconfig with {wanted}: log in first "
                    "(`oc login <api-url>`) or point KUBECONFIG at the cluster's kubeconfig",
                )
            ]
        )


def _ambient(config: KubeconfigConfig, where: str) -> str:
    # pulumi_command only for this source: importing the room imports no SDK it does not use.
    from pulumi_command import local

    result = local.run(command=ambient_command(config.context))
    text = result.stdout or ""
    check_kubeconfig(text, where, config.context)
    return text


def resolve_kubeconfig(
    config: KubeconfigConfig, where: str, given: pulumi.Input[str] | None = None
) -> tuple[pulumi.Output[str], str | None]:
    """The cluster's kubeconfig as a secret Output, and the context the Kubernetes provider should use.

    ``given`` (a component argument) wins over the configured source. ``where`` names the config key in
    error messages. Raises :class:`ConfigError` before anything is registered when there is none.
    """
    if given is not None:
        return pulumi.Output.secret(given), config.context
    if config.source == "ambient":
        # The minified kubeconfig's current context is the one asked for.
        return pulumi.Output.secret(_ambient(config, f"{where}.source")), None
    value = pulumi.Config(CONFIG_NAMESPACE).get_secret(CONFIG_KEY)
    if value is None:
        raise ConfigError([Problem(f"{CONFIG_NAMESPACE}:{CONFIG_KEY}", MISSING_CONFIG)])
    return value, config.context
