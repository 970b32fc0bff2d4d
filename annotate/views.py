from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotate.access import articles_visible_to
from threads.selectors import article_list


def home(request: HttpRequest) -> HttpResponse:
    """Corpora and threads the user may see: two queries."""
    by_corpus: dict = defaultdict(list)
    for article in article_list().filter(pk__in=articles_visible_to(request.user).values("pk")):
        by_corpus[article.corpus].append(article)
    corpora = []
    for corpus, articles in by_corpus.items():
        corpus.article_list = articles
        corpora.append(corpus)
    return render(request, "annotate/home.html", {"corpora": corpora})
